import { Type } from '@sinclair/typebox';
import { pagingQuery } from '../pagination.js';
import { CorpusKey, ListMetadata, StringEnum } from './common.js';

export const FilterAttribute = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  level: StringEnum(['document', 'part']),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  indexed: Type.Optional(Type.Boolean()),
  type: StringEnum(['integer', 'real_number', 'text', 'boolean', 'list[integer]', 'list[real_number]', 'list[text]']),
});

export const CustomDimension = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  indexing_default: Type.Optional(Type.Number()),
  querying_default: Type.Optional(Type.Number()),
});

export const Corpus = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  chat_history_corpus: Type.Boolean(),
  queries_are_answers: Type.Boolean(),
  documents_are_questions: Type.Boolean(),
  encoder_name: Type.String(),
  save_history: Type.Boolean(),
  filter_attributes: Type.Array(FilterAttribute),
  custom_dimensions: Type.Array(CustomDimension),
  limits: Type.Optional(
    Type.Object({
      used_docs: Type.Integer(),
      used_parts: Type.Integer(),
      used_characters: Type.Integer(),
      max_metadata_bytes: Type.Integer(),
    }),
  ),
  created_at: Type.String({ format: 'date-time' }),
});

export const CreateCorpusBody = Type.Object({
  key: CorpusKey,
  name: Type.Optional(Type.String({ maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  save_history: Type.Optional(Type.Boolean()),
  queries_are_answers: Type.Optional(Type.Boolean()),
  documents_are_questions: Type.Optional(Type.Boolean()),
  encoder_id: Type.Optional(Type.String({ pattern: '^enc_[0-9]+$' })),
  encoder_name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  filter_attributes: Type.Optional(Type.Array(FilterAttribute, { maxItems: 200 })),
  custom_dimensions: Type.Optional(Type.Array(CustomDimension, { maxItems: 100 })),
});

export const ListCorporaQuery = Type.Object({
  ...pagingQuery,
  filter: Type.Optional(Type.String({ maxLength: 1024 })),
  corpus_id: Type.Optional(Type.Array(Type.String())),
});

export const ListCorporaResponse = Type.Object({ corpora: Type.Array(Corpus), metadata: ListMetadata });

export const CorpusKeyParams = Type.Object({ corpus_key: CorpusKey });

export const UpdateCorpusBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String({ maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
  save_history: Type.Optional(Type.Boolean()),
});

export const ReplaceFilterAttributesBody = Type.Object({ filter_attributes: Type.Array(FilterAttribute, { maxItems: 200 }) });

export const ComputeSizeResponse = Type.Object({
  used_docs: Type.Integer(),
  used_parts: Type.Integer(),
  used_characters: Type.Integer(),
  used_metadata_characters: Type.Integer(),
});
