/**
 * The documents the indexing bench (bench/indexing.ts) sends: the 1,022 manpages as structured
 * documents, and generated core documents of N parts made of 1–3 consecutive manpage sentences
 * (seeded, so every run sends the same), each with the part texts the server will embed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CoreDocumentBody, DocumentBody, StructuredDocumentBody } from '../src/ingestion/documents.js';
import { normalizeDocument } from '../src/ingestion/normalize.js';
import { splitSentences } from '../src/ingestion/chunkers/index.js';
import { prng } from './prng.js';

export const MANPAGES = fileURLToPath(new URL('../../shared/datasets/manpages/docs.jsonl', import.meta.url));

/**
 * A document as the bench POSTs it: the serialised body, and how many parts the server makes of it
 * (the create answer does not list them, as in Vectara; the corpus's used_parts is checked after).
 */
export interface PostedDocument {
  body: Buffer;
  parts: number;
}

export const postedDocument = (doc: DocumentBody): PostedDocument => ({
  body: Buffer.from(JSON.stringify(doc)),
  parts: normalizeDocument(doc).parts.length,
});

export interface WorkSet {
  name: 'manpages' | 'generated';
  description: string;
  corpus: string;
  /** The documents, serialised, with their part counts. */
  documents: PostedDocument[];
  /** The part texts the server will embed, one array per document (one encoder call each). */
  batches: string[][];
  parts: number;
}

export interface ManPage {
  id: string;
  title: string;
  text: string;
}

export function readManPages(): ManPage[] {
  return readFileSync(MANPAGES, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as ManPage);
}

export const manPageBody = (page: ManPage, id = page.id): StructuredDocumentBody => ({
  type: 'structured',
  id,
  title: page.title,
  sections: [{ text: page.text }],
  chunking_strategy: { type: 'sentence_chunking_strategy' },
});

/** The texts the server's ingestion pipeline will embed for this body, in its order. */
export const partTexts = (body: DocumentBody): string[] => normalizeDocument(body).parts.map((p) => p.text);

export function workSet(name: WorkSet['name'], description: string, corpus: string, docs: DocumentBody[]): WorkSet {
  const batches = docs.map(partTexts);
  return {
    name,
    description,
    corpus,
    documents: docs.map((d, i) => ({ body: Buffer.from(JSON.stringify(d)), parts: batches[i]!.length })),
    batches,
    parts: batches.reduce((n, b) => n + b.length, 0),
  };
}


/** Core documents of `perDocument` parts, each part 1–3 consecutive sentences of one manpage. */
export function generatedDocs(pages: ManPage[], totalParts: number, perDocument: number, seed: number, idPrefix: string): CoreDocumentBody[] {
  const pool = pages.map((p) => splitSentences(p.text).map((c) => c.text)).filter((s) => s.length > 0);
  const rand = prng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const docs: CoreDocumentBody[] = [];
  for (let made = 0, d = 0; made < totalParts; d++) {
    const n = Math.min(perDocument, totalParts - made);
    const parts = [];
    for (let j = 0; j < n; j++) {
      const sentences = pool[pick(pool.length)]!;
      const k = Math.min(1 + pick(3), sentences.length);
      const start = pick(sentences.length - k + 1);
      parts.push({ text: sentences.slice(start, start + k).join(' ') });
    }
    docs.push({ type: 'core', id: `${idPrefix}${String(d).padStart(6, '0')}`, document_parts: parts });
    made += n;
  }
  return docs;
}
