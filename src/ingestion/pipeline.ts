import { invalidField, QuarryError } from '../domain/errors.js';
import { EncoderError, type Encoder } from '../providers/encoders/types.js';
import type { CorpusRecord, NewDocument, StoredPart } from '../storage/types.js';
import type { DocumentBody } from './documents.js';
import { detectLanguage } from './language.js';
import { normalizeDocument } from './normalize.js';
import { checkMetadata, resolveCustomDimensions } from './validate-metadata.js';

/** Largest metadata object accepted per document or part (Vectara's documented limit). */
export const MAX_METADATA_BYTES = 10 * 1024 * 1024;

/** An encoder failure as an API error: the remote's fault (502), or worth retrying (503). */
export function encoderFailure(err: unknown): QuarryError {
  if (err instanceof EncoderError) {
    return new QuarryError(err.retryable ? 503 : 502, `The corpus's encoder failed: ${err.message}`);
  }
  return err as QuarryError;
}

/** Metadata objects over the size limit are a 400 on their field. */
export function checkMetadataSize(value: unknown, field: string): void {
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_METADATA_BYTES) {
    throw invalidField(field, `metadata is larger than ${MAX_METADATA_BYTES} bytes`);
  }
}

/**
 * The ingestion pipeline, the one path every document takes (documents API, file upload, CLI
 * ingest): normalise into parts, check metadata against the corpus's filter attributes and custom
 * dimensions, detect the language, embed. Nothing is stored here; the result is written in one
 * transaction by the document repository.
 */
export async function prepareDocument(corpus: CorpusRecord, body: DocumentBody, encoder: Encoder): Promise<NewDocument> {
  // Everything but the parts is taken from the normalised document here, and the parts are built
  // once, in their stored shape (the vector filled in after embedding): `doc` and its parts are
  // dead before the embedding await, so a document of tens of thousands of parts is not held
  // twice (normalised and stored) while it is embedded.
  const { head, parts, lead } = preparedParts(corpus, body);
  // Detected once per document, from its opening text, and only when some part lacks a given lang.
  if (lead !== undefined) {
    const lang = (await detectLanguage(lead)) ?? null;
    for (const p of parts) p.lang ??= lang;
  }
  let vectors: Float32Array[];
  try {
    // Documents are embedded as answers unless the corpus says its documents are questions. In
    // bulk: while the encoder threads are busy, even a small document's parts join their next
    // batch instead of taking this thread, which has other documents to parse and store.
    vectors = await encoder.embed(parts.map((p) => p.text), corpus.documents_are_questions ? 'query' : 'document', { bulk: true });
  } catch (err) {
    throw encoderFailure(err);
  }
  parts.forEach((p, i) => (p.vector = vectors[i]!));
  return { ...head, parts };
}

/** Placeholder for a part's vector until the encoder has answered. */
const NO_VECTOR = new Float32Array(0);

/**
 * The document's fields and its parts, checked, with NO_VECTOR for vectors and the lang each part
 * was given (else null); `lead`, the opening text to detect the others' language from, when some
 * part was given none. Exported for the indexing bench, which stores documents without a server.
 */
export function preparedParts(corpus: CorpusRecord, body: DocumentBody): { head: Omit<NewDocument, 'parts'>; parts: StoredPart[]; lead?: string } {
  const doc = normalizeDocument(body);
  checkMetadata(doc.metadata, corpus.filter_attributes, 'document', 'metadata');
  checkMetadataSize(doc.metadata, 'metadata');
  let lead: string | undefined;
  if (doc.parts.some((p) => typeof p.metadata.lang !== 'string')) {
    lead = '';
    for (const p of doc.parts) if (lead.length < 600) lead += `${p.text}\n`;
  }
  const partField = (i: number) => doc.parts[i]!.source ?? (body.type === 'core' ? 'document_parts' : 'sections');
  // A structured document's own custom_dimensions apply to every part; report them under their own field.
  const docDims = (body as { custom_dimensions?: Record<string, number> | null }).custom_dimensions;
  if (body.type === 'structured' && docDims) resolveCustomDimensions(docDims, corpus.custom_dimensions, 'custom_dimensions');
  const parts = doc.parts.map((p, i): StoredPart => {
    checkMetadata(p.metadata, corpus.filter_attributes, 'part', `${partField(i)}.metadata`);
    checkMetadataSize(p.metadata, `${partField(i)}.metadata`);
    const givenLang = typeof p.metadata.lang === 'string' ? p.metadata.lang : undefined;
    return {
      text: p.text,
      context: p.context ?? null,
      metadata: p.metadata,
      custom_dimensions: resolveCustomDimensions(p.custom_dimensions, corpus.custom_dimensions, `${partField(i)}.custom_dimensions`),
      is_title: p.is_title,
      lang: givenLang ?? null,
      offset: p.offset,
      section_path: p.section_path.length > 0 ? p.section_path : null,
      table_id: p.table_id ?? null,
      vector: NO_VECTOR,
    };
  });
  const title = doc.title ?? (typeof doc.metadata.title === 'string' ? doc.metadata.title : null);
  return { head: { corpus_id: corpus.id, doc_id: doc.id, title, metadata: doc.metadata, tables: doc.tables, images: doc.images }, parts, lead };
}
