import { Type } from '@sinclair/typebox';
import { principalOf } from '../plugins/auth.js';
import { PathId } from '../schemas/common.js';
import { op, type App, type Services } from '../types.js';

/** Quarry's own operations for the web console (outside Vectara's API; see operations.ts). */
export function consoleApiRoutes(app: App, { sessions, apiKeys }: Services): void {
  app.route({
    ...op('createConsoleSession'),
    schema: { body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }) },
    handler: async (req) => sessions.signIn(req.body.username, req.body.password),
  });

  app.route({
    ...op('setUserPassword'),
    schema: {
      params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 320 }) }),
      body: Type.Object({ one_time_code: Type.String({ minLength: 1, maxLength: 256 }), password: Type.String({ maxLength: 4096 }) }),
    },
    handler: async (req, reply) => {
      await sessions.setPassword(req.params.username, req.body.one_time_code, req.body.password);
      return reply.code(204).send();
    },
  });

  app.route({
    ...op('regeneratePersonalKey'),
    schema: { params: Type.Object({ api_key_id: PathId }) },
    handler: async (req) => apiKeys.regenerate(req.params.api_key_id, principalOf(req)),
  });
}
