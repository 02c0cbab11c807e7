import { Type } from '@sinclair/typebox';
import { CorpusKey, ListMetadata, StringEnum } from './common.js';

/**
 * Document bodies are checked in two layers: this schema fixes the overall shape (so wrong types
 * get field_errors), and the ingestion pipeline checks content (empty texts, tables, metadata
 * against filter attributes) with its own field paths.
 */
const Metadata = Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]);
const CustomDimensions = Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]);
const Cell = Type.Object({
  text_value: Type.Optional(Type.String()),
  int_value: Type.Optional(Type.Integer()),
  float_value: Type.Optional(Type.Number()),
  bool_value: Type.Optional(Type.Boolean()),
  colspan: Type.Optional(Type.Integer({ minimum: 1 })),
  rowspan: Type.Optional(Type.Integer({ minimum: 1 })),
});
export const Table = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 256 })),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  data: Type.Optional(
    Type.Object({
      headers: Type.Optional(Type.Array(Type.Array(Cell))),
      rows: Type.Optional(Type.Array(Type.Array(Cell))),
    }),
  ),
});
const Image = Type.Object({
  id: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  caption: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  image_data: Type.Optional(Type.Object({ data: Type.Optional(Type.String()), mime_type: Type.Optional(Type.String()) })),
});
const Tables = Type.Optional(Type.Union([Type.Array(Table), Type.Null()]));
const Images = Type.Optional(Type.Union([Type.Array(Image), Type.Null()]));

const DocumentId = Type.String({ minLength: 1, maxLength: 4096 });

const CorePart = Type.Object({
  text: Type.String(),
  metadata: Type.Optional(Metadata),
  table_id: Type.Optional(Type.String()),
  image_id: Type.Optional(Type.String()),
  context: Type.Optional(Type.String()),
  custom_dimensions: Type.Optional(CustomDimensions),
});

export const ChunkingStrategy = Type.Union([
  Type.Object({ type: Type.Literal('sentence_chunking_strategy') }),
  Type.Object({ type: Type.Literal('max_chars_chunking_strategy'), max_chars_per_chunk: Type.Integer({ minimum: 100 }) }),
]);

export const CreateDocumentBody = Type.Object({
  type: StringEnum(['core', 'structured']),
  id: DocumentId,
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  metadata: Type.Optional(Metadata),
  custom_dimensions: Type.Optional(CustomDimensions),
  tables: Tables,
  images: Images,
  document_parts: Type.Optional(Type.Array(CorePart, { maxItems: 100_000 })),
  sections: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 100_000 })),
  chunking_strategy: Type.Optional(Type.Union([ChunkingStrategy, Type.Null()])),
});

export const DocumentView = Type.Object({
  id: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  tables: Type.Array(Type.Unknown()),
  images: Type.Array(Type.Unknown()),
  parts: Type.Optional(
    Type.Array(
      Type.Object({
        text: Type.String(),
        metadata: Type.Record(Type.String(), Type.Unknown()),
        context: Type.Optional(Type.String()),
        custom_dimensions: Type.Record(Type.String(), Type.Number()),
      }),
    ),
  ),
  storage_usage: Type.Object({ bytes_used: Type.Integer(), metadata_bytes_used: Type.Integer() }),
});

export const ListDocumentsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  page_key: Type.Optional(Type.String({ maxLength: 1024 })),
  metadata_filter: Type.Optional(Type.String({ maxLength: 10_000 })),
});

export const ListDocumentsResponse = Type.Object({ documents: Type.Array(DocumentView), metadata: ListMetadata });

export const DocumentParams = Type.Object({ corpus_key: CorpusKey, document_id: DocumentId });

export const MetadataBody = Type.Object({ metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });
