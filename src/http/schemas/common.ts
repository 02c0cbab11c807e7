import { Type } from '@sinclair/typebox';

/** A string enum that keeps its literal types and validates as a plain JSON Schema `enum`. */
export const StringEnum = <T extends string[]>(values: [...T], options: { default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values, ...options });

/** Our own schemas for the shapes the Vectara API uses; written from its documented fields. */

export const CorpusKey = Type.String({ pattern: '^[a-zA-Z0-9_=\\-]+$', minLength: 1, maxLength: 50 });

export const ApiRole = StringEnum([
  'owner', 'administrator', 'billing_administrator', 'corpus_administrator', 'corpus_developer',
  'agent_administrator', 'agent_viewer', 'agent_developer',
]);

export const ApiKeyRole = StringEnum(['serving', 'serving_and_indexing', 'personal']);

export const CorpusRole = Type.Object({
  corpus_key: CorpusKey,
  role: StringEnum(['owner', 'administrator', 'viewer', 'editor']),
});

export const ApiPolicy = Type.Object({
  name: Type.String(),
  allowed_operations: Type.Record(
    Type.String(),
    Type.Object({
      allow_any_resource: Type.Boolean(),
      allowed_resources: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    }),
  ),
});

export const ListMetadata = Type.Object({ page_key: Type.Optional(Type.String()) });

/** A path identifier: any non-empty string of reasonable length (the service answers 404 for unknown ones). */
export const PathId = Type.String({ minLength: 1, maxLength: 256 });
