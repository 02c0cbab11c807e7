import { Type } from '@sinclair/typebox';
import { pagingQuery } from '../pagination.js';
import { ApiKeyRole, ApiPolicy, ApiRole, CorpusKey, CorpusRole, ListMetadata } from './common.js';

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  secret_key: Type.Optional(Type.String()),
  enabled: Type.Boolean(),
  api_key_role: ApiKeyRole,
  api_policy: ApiPolicy,
  corpus_keys: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
});

export const CreateApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  api_key_role: ApiKeyRole,
  corpus_keys: Type.Optional(Type.Union([Type.Array(CorpusKey, { maxItems: 1000 }), Type.Null()])),
});

export const UpdateApiKeyBody = Type.Object({ enabled: Type.Optional(Type.Boolean()) });

export const ListApiKeysQuery = Type.Object({
  ...pagingQuery,
  corpus_key: Type.Optional(CorpusKey),
  api_key_role: Type.Optional(ApiKeyRole),
});

export const ListApiKeysResponse = Type.Object({ api_keys: Type.Array(ApiKey), metadata: ListMetadata });

export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  username: Type.String(),
  enabled: Type.Boolean(),
  description: Type.Optional(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  api_roles: Type.Array(ApiRole),
  corpus_roles: Type.Array(CorpusRole),
  api_policy: ApiPolicy,
});

export const CreateUserBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 320 }),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  api_roles: Type.Optional(Type.Array(ApiRole)),
  corpus_roles: Type.Optional(Type.Array(CorpusRole, { maxItems: 1000 })),
});

export const UpdateUserBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  api_roles: Type.Optional(Type.Array(ApiRole)),
  corpus_roles: Type.Optional(Type.Array(CorpusRole, { maxItems: 1000 })),
});

export const ListUsersQuery = Type.Object({ ...pagingQuery, corpus_key: Type.Optional(CorpusKey) });
export const ListUsersResponse = Type.Object({ users: Type.Array(User), metadata: ListMetadata });

export const ResetPasswordResponse = Type.Object({
  one_time_code: Type.Optional(Type.String()),
  one_time_code_link: Type.Optional(Type.String()),
});

export const AppClient = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  client_id: Type.String(),
  client_secret: Type.Optional(Type.String()),
  api_roles: Type.Array(ApiRole),
  api_policy: ApiPolicy,
});

export const CreateAppClientBody = Type.Object({
  type: Type.Literal('client_credentials', { default: 'client_credentials' }),
  name: Type.String({ minLength: 1, maxLength: 256 }),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  api_roles: Type.Optional(Type.Array(ApiRole)),
});

export const UpdateAppClientBody = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  api_roles: Type.Optional(Type.Array(ApiRole)),
});

export const ListAppClientsQuery = Type.Object({ ...pagingQuery, filter: Type.Optional(Type.String({ maxLength: 1024 })) });
export const ListAppClientsResponse = Type.Object({ app_clients: Type.Array(AppClient), metadata: ListMetadata });

export const TokenBody = Type.Object({
  grant_type: Type.Literal('client_credentials'),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.String(),
  expires_in: Type.Integer(),
});
