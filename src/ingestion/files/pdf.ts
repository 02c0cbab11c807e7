/**
 * PDF: the text layer of each page, read by pdfjs-dist in a reader thread (pdf-threads.ts, which
 * says why; the reading itself is pdf-reader.ts, the layout and tables pdf-layout.ts).
 *
 * One section per page (`metadata.page`, 1-based; pages without text are left out); with
 * `extractTables`, runs of lines aligned in columns become tables. The file's buffer is moved to
 * the thread, not copied, when the caller hands it over (ParseFileOptions.transferBytes).
 */
import type { ParseFileOptions } from './index.js';
import { readPdfInThread } from './pdf-threads.js';
import { UnreadableFileError, type ParsedFile } from './types.js';

export async function parsePdf(bytes: Buffer, options: ParseFileOptions): Promise<ParsedFile> {
  checkEnvelope(bytes);
  const data = options.transferBytes && spansBuffer(bytes) ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
  return readPdfInThread(data, options.extractTables);
}

/** A PDF starts with `%PDF-` (within its first KiB) and ends with `%%EOF` (within its last). */
function checkEnvelope(bytes: Buffer): void {
  const head = bytes.subarray(0, 1024).toString('latin1');
  if (!head.includes('%PDF-')) throw new UnreadableFileError('not a PDF file (no %PDF- header)');
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1');
  if (!tail.includes('%%EOF')) throw new UnreadableFileError('PDF file is truncated (no %%EOF marker)');
}

/** Whether `bytes` is the whole of a (non-shared) ArrayBuffer, not a slice of Node's pool or of a larger buffer. */
function spansBuffer(bytes: Buffer): boolean {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}
