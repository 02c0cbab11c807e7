import { Type } from '@sinclair/typebox';
import { decodePageKey, listMetadata } from '../pagination.js';
import { principalOf } from '../plugins/auth.js';
import { PathId } from '../schemas/common.js';
import {
  AppClient, CreateAppClientBody, ListAppClientsQuery, ListAppClientsResponse, UpdateAppClientBody,
} from '../schemas/identity.js';
import { op, type App, type Services } from '../types.js';

const ClientParams = Type.Object({ app_client_id: PathId });

export function appClientRoutes(app: App, { appClients }: Services): void {
  app.route({
    ...op('createAppClient'),
    schema: { body: CreateAppClientBody, response: { 201: AppClient } },
    handler: async (req, reply) => reply.code(201).send(await appClients.create(principalOf(req), req.body)),
  });

  app.route({
    ...op('listAppClient'),
    schema: { querystring: ListAppClientsQuery, response: { 200: ListAppClientsResponse } },
    handler: async (req) => {
      const { limit, page_key, filter } = req.query;
      const page = await appClients.list(principalOf(req), { limit, after: decodePageKey('app_clients', page_key) }, { filter });
      return { app_clients: page.items, metadata: listMetadata('app_clients', page.next) };
    },
  });

  app.route({
    ...op('getAppClient'),
    schema: { params: ClientParams, response: { 200: AppClient } },
    handler: async (req) => appClients.get(principalOf(req), req.params.app_client_id),
  });

  app.route({
    ...op('updateAppClient'),
    schema: { params: ClientParams, body: UpdateAppClientBody, response: { 200: AppClient } },
    handler: async (req) => appClients.update(principalOf(req), req.params.app_client_id, req.body),
  });

  app.route({
    ...op('deleteAppClient'),
    schema: { params: ClientParams },
    handler: async (req, reply) => {
      await appClients.delete(req.params.app_client_id);
      return reply.code(204).send();
    },
  });
}
