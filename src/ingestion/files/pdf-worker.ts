/**
 * A PDF reader thread (pdf-threads.ts starts and ends them): reads the PDFs it is sent, one at a
 * time, and answers each with its pages' sections, posted as soon as each page is read, then
 * `done` with the document info, or `error`.
 */
import { parentPort } from 'node:worker_threads';
import type { StructuredDocumentSectionBody } from '../documents.js';
import { readPdf, type PdfHead } from './pdf-reader.js';
import { UnreadableFileError } from './types.js';

export interface PdfJob {
  /** The whole file, transferred; a Uint8Array spanning its buffer, so pdfjs reads it without a copy. */
  data: Uint8Array;
  extractTables: boolean;
}

export type PdfReply =
  | { type: 'section'; section: StructuredDocumentSectionBody }
  | { type: 'done'; head: PdfHead }
  /** `unreadable`: the file's fault (an UnreadableFileError), not the reader's. */
  | { type: 'error'; message: string; unreadable: boolean };

const post = (reply: PdfReply) => parentPort!.postMessage(reply);

parentPort!.on('message', (job: PdfJob) => {
  readPdf(job.data, job.extractTables, (section) => post({ type: 'section', section })).then(
    (head) => post({ type: 'done', head }),
    (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err), unreadable: err instanceof UnreadableFileError }),
  );
});
