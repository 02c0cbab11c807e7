/**
 * The shapes the ingestion pipeline works with: a document as the API receives it is normalised
 * into parts (what gets indexed and searched), whatever its format.
 */

export type ChunkingStrategy =
  | { type: 'sentence_chunking_strategy' }
  | { type: 'max_chars_chunking_strategy'; max_chars_per_chunk: number };

export type Metadata = Record<string, unknown>;

export interface TableCell {
  text_value?: string;
  int_value?: number;
  float_value?: number;
  bool_value?: boolean;
  colspan?: number;
  rowspan?: number;
}

export interface Table {
  id?: string;
  title?: string;
  data?: { headers?: TableCell[][]; rows?: TableCell[][] };
}

/** One searchable unit of a document. */
export interface NormalizedPart {
  text: string;
  /** Text shown around the part in results but not searched (core documents' `context`). */
  context?: string;
  /** Part-level metadata (section metadata merged in for structured documents). */
  metadata: Metadata;
  custom_dimensions: Record<string, number>;
  /** A title (document or section title), as `part.is_title` in filters. */
  is_title: boolean;
  /** Position of the part's text within the document's full text (concatenated parts). */
  offset: number;
  /** For structured documents: the path of section ids (or indexes) down to this part. */
  section_path: number[];
  /** The table a part describes, when it comes from a table. */
  table_id?: string;
  /** Where in the request body the part came from (e.g. "document_parts.3"), for field_errors. */
  source?: string;
}
