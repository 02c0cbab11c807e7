import { Type } from '@sinclair/typebox';
import { decodePageKey, listMetadata, pagingQuery } from '../pagination.js';
import { ListMetadata } from '../schemas/common.js';
import { op, type App, type Services } from '../types.js';

const Encoder = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  output_dimensions: Type.Optional(Type.Integer()),
  default: Type.Boolean(),
  enabled: Type.Boolean(),
  description: Type.Optional(Type.String()),
});

const Auth = Type.Union([
  Type.Object({ type: Type.Literal('bearer'), token: Type.String({ minLength: 1 }) }),
  Type.Object({ type: Type.Literal('header'), header: Type.String({ minLength: 1 }), value: Type.String() }),
]);

const CreateEncoderBody = Type.Object({
  type: Type.Literal('openai-compatible', { default: 'openai-compatible' }),
  name: Type.String({ minLength: 1, maxLength: 256 }),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  uri: Type.String({ minLength: 1, maxLength: 2048 }),
  model: Type.String({ minLength: 1, maxLength: 256 }),
  output_dimensions: Type.Optional(Type.Integer({ minimum: 1, maximum: 16384 })),
  auth: Type.Optional(Auth),
});

export function encoderRoutes(app: App, { encoders }: Services): void {
  app.route({
    ...op('listEncoders'),
    schema: {
      querystring: Type.Object({ ...pagingQuery, filter: Type.Optional(Type.String({ maxLength: 1024 })) }),
      response: { 200: Type.Object({ encoders: Type.Array(Encoder), metadata: ListMetadata }) },
    },
    handler: async (req) => {
      const { limit, page_key, filter } = req.query;
      const page = await encoders.list({ limit, after: decodePageKey('encoders', page_key) }, { filter });
      return { encoders: page.items, metadata: listMetadata('encoders', page.next) };
    },
  });

  app.route({
    ...op('createEncoder'),
    schema: { body: CreateEncoderBody, response: { 201: Encoder } },
    handler: async (req, reply) => reply.code(201).send(await encoders.create(req.body)),
  });
}
