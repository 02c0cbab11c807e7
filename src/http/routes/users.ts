import { Type } from '@sinclair/typebox';
import { decodePageKey, listMetadata } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { CreateUserBody, ListUsersQuery, ListUsersResponse, ResetPasswordResponse, UpdateUserBody, User } from '../schemas/identity.js';
import { op, type App, type Services } from '../types.js';

/** Usernames default to e-mail addresses, which may be 320 characters long. */
const UserParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 320 }) });

export function userRoutes(app: App, { users }: Services): void {
  app.route({
    ...op('createUser'),
    schema: { body: CreateUserBody, response: { 201: User } },
    handler: async (req, reply) => reply.code(201).send(await users.create(principalOf(req), req.body)),
  });

  app.route({
    ...op('listUsers'),
    schema: { querystring: ListUsersQuery, response: { 200: ListUsersResponse } },
    handler: async (req) => {
      const { limit, page_key, corpus_key } = req.query;
      const page = await users.list({ limit, after: decodePageKey('users', page_key) }, { corpus_key });
      return { users: page.items, metadata: listMetadata('users', page.next) };
    },
  });

  app.route({
    ...op('getUser'),
    schema: { params: UserParams, response: { 200: User } },
    handler: async (req) => users.get(req.params.username),
  });

  app.route({
    ...op('updateUser'),
    schema: { params: UserParams, body: UpdateUserBody, response: { 200: User } },
    handler: async (req) => users.update(principalOf(req), req.params.username, req.body),
  });

  app.route({
    ...op('deleteUser'),
    schema: { params: UserParams },
    handler: async (req, reply) => {
      await users.delete(principalOf(req), req.params.username);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('resetUserPassword'),
    schema: { params: UserParams, response: { 200: ResetPasswordResponse } },
    handler: async (req) => users.resetPassword(req.params.username),
  });
}
