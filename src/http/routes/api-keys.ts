import { Type } from '@sinclair/typebox';
import { decodePageKey, listMetadata } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { PathId } from '../schemas/common.js';
import { ApiKey, CreateApiKeyBody, ListApiKeysQuery, ListApiKeysResponse, UpdateApiKeyBody } from '../schemas/identity.js';
import { op, type App, type Services } from '../types.js';

const KeyParams = Type.Object({ api_key_id: PathId });

export function apiKeyRoutes(app: App, { apiKeys }: Services): void {
  app.route({
    ...op('createApiKey'),
    schema: { body: CreateApiKeyBody, response: { 201: ApiKey } },
    handler: async (req, reply) => reply.code(201).send(await apiKeys.create(principalOf(req), req.body)),
  });

  app.route({
    ...op('listApiKeys'),
    schema: { querystring: ListApiKeysQuery, response: { 200: ListApiKeysResponse } },
    handler: async (req) => {
      const { limit, page_key, ...filter } = req.query;
      const page = await apiKeys.list({ limit, after: decodePageKey('api_keys', page_key) }, filter);
      return { api_keys: page.items, metadata: listMetadata('api_keys', page.next) };
    },
  });

  app.route({
    ...op('getApiKey'),
    schema: { params: KeyParams, response: { 200: ApiKey } },
    handler: async (req) => apiKeys.get(req.params.api_key_id),
  });

  app.route({
    ...op('updateApiKey'),
    schema: { params: KeyParams, body: UpdateApiKeyBody, response: { 200: ApiKey } },
    handler: async (req) =>
      req.body.enabled === undefined
        ? apiKeys.get(req.params.api_key_id)
        : apiKeys.setEnabled(req.params.api_key_id, req.body.enabled),
  });

  app.route({
    ...op('deleteApiKey'),
    schema: { params: KeyParams },
    handler: async (req, reply) => {
      await apiKeys.delete(req.params.api_key_id);
      return reply.code(204).send();
    },
  });
}
