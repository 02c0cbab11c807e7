/**
 * Upload throughput and memory (section "upload"): a bench server (bench/server.ts) in its own
 * process receives real files over HTTP (fetch + FormData, POST /v2/corpora/bench/upload_file,
 * one at a time), made by the test fixtures (test/ingestion/files/fixtures).
 *
 * 1. Throughput per format: N files of each format the server reads, about `megabytesPerFormat`
 *    in total per format, with table extraction on; MB/s (of file bytes) and documents/s over the
 *    wall time of the uploads (parsing, chunking, embedding and indexing included).
 * 2. Peak memory: the server's RSS (VmRSS from /proc/<pid>/status, every 10 ms) while idle (after
 *    a warm-up upload) and while it takes one PDF just under the 10 MiB limit (pdfkit, uncompressed
 *    pages of text). Target: peak − idle under 4× the file's size.
 */
import { readFileSync } from 'node:fs';
import { chaptersDocx } from '../test/ingestion/files/fixtures/docx.js';
import { epub, xhtml } from '../test/ingestion/files/fixtures/epub.js';
import { odt } from '../test/ingestion/files/fixtures/odt.js';
import { samplePdf, textPagesPdf } from '../test/ingestion/files/fixtures/pdf.js';
import { pptx, shape, slide } from '../test/ingestion/files/fixtures/pptx.js';
import { prose } from '../test/ingestion/files/fixtures/text.js';
import { startBenchServer, stopBenchServer } from './server-process.js';

const MiB = 1024 * 1024;
/** The server's upload limit (src/http/routes/upload.ts MAX_UPLOAD_BYTES). */
const UPLOAD_LIMIT = 10 * MiB;
const MEMORY_TARGET = 4;
const SAMPLE_MS = 10;

export type UploadFormat = 'txt' | 'md' | 'html' | 'csv' | 'rtf' | 'pdf' | 'docx' | 'pptx' | 'odt' | 'epub';
const FORMATS: UploadFormat[] = ['txt', 'md', 'html', 'csv', 'rtf', 'pdf', 'docx', 'pptx', 'odt', 'epub'];

export interface UploadOptions {
  /** Files per format. */
  filesPerFormat: number;
  /** Total file bytes per format, in MB (MiB). */
  megabytesPerFormat: number;
  /** Size of the PDF for the memory measurement; just under the 10 MiB limit by default. */
  memoryPdfBytes: number;
}

export const UPLOAD_DEFAULTS: UploadOptions = {
  filesPerFormat: 10,
  megabytesPerFormat: 2,
  memoryPdfBytes: UPLOAD_LIMIT - 256 * 1024,
};

export interface FormatRow {
  format: UploadFormat;
  files: number;
  bytes: number;
  /** Parts (chunks) in the documents made, summed. */
  parts: number;
  seconds: number;
  megabytesPerSecond: number;
  documentsPerSecond: number;
  /** Uploads that did not answer 201 (with the first error). */
  failures: number;
  firstError?: string;
}

export interface MemoryReport {
  fileBytes: number;
  pages: number;
  status: number;
  error?: string;
  uploadSeconds: number;
  idleRssBytes: number;
  peakRssBytes: number;
  samples: number;
  /** (peak − idle) / file size */
  ratio: number;
  target: string;
  pass: boolean;
}

export interface UploadReport {
  settings: UploadOptions;
  formats: FormatRow[];
  memory: MemoryReport;
}

// ---------------------------------------------------------------------------------------------
// Files

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A file of `format` made of `units` units of content (paragraphs, slides, rows, pages…); `seed` varies the text. */
async function build(format: UploadFormat, units: number, seed: number): Promise<Buffer> {
  const say = prose(seed);
  const chapters = (n: number) =>
    Array.from({ length: Math.max(1, Math.ceil(n / 8)) }, (_, c) => ({
      heading: `Chapter ${c + 1}: ${say(1).slice(0, 40)}`,
      paragraphs: Array.from({ length: Math.min(8, n - c * 8) }, () => say(4)),
    }));
  switch (format) {
    case 'txt':
      return Buffer.from(Array.from({ length: units }, () => say(4)).join('\n\n'));
    case 'md':
      return Buffer.from(
        `---\ntitle: "Harbour notes ${seed}"\nauthor: Bench\n---\n\n` +
          chapters(units).map((c) => `## ${c.heading}\n\n${c.paragraphs.join('\n\n')}\n`).join('\n'),
      );
    case 'html':
      return Buffer.from(
        `<!doctype html><html><head><title>Harbour notes ${seed}</title></head><body>` +
          chapters(units)
            .map(
              (c, i) =>
                `<h2>${esc(c.heading)}</h2>${c.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}` +
                `<table><tr><th>Berth</th><th>Boat</th><th>Days</th></tr><tr><td>${i}</td><td>${esc(say(1).slice(0, 20))}</td><td>${i % 9}</td></tr></table>`,
            )
            .join('') +
          '</body></html>',
      );
    case 'csv':
      return Buffer.from(
        `id,berth,note\n${Array.from({ length: units * 3 }, (_, i) => `${i},B${i % 40},"${say(1).replaceAll('"', '')}"`).join('\n')}\n`,
      );
    case 'rtf':
      return Buffer.from(
        `{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}{\\info{\\title Harbour notes ${seed}}{\\author Bench}}\n` +
          chapters(units)
            .map((c) => `\\pard\\outlinelevel0 ${c.heading}\\par\n${c.paragraphs.map((p) => `\\pard ${p}\\par\n`).join('')}`)
            .join('') +
          '}',
        'latin1',
      );
    case 'pdf':
      return textPagesPdf(Math.max(1, Math.round(units / 10)), () => say(3), { info: { Title: `Harbour notes ${seed}`, Author: 'Bench' } });
    case 'docx':
      return chaptersDocx(chapters(units), { title: `Harbour notes ${seed}`, creator: 'Bench' });
    case 'pptx':
      return pptx(
        Array.from({ length: Math.max(1, Math.ceil(units / 3)) }, (_, i) =>
          slide(shape(2, [`Slide ${i + 1}: ${esc(say(1).slice(0, 40))}`], 'title') + shape(3, [say(2), say(2), say(2)].map(esc))),
        ),
      );
    case 'odt':
      return odt(
        chapters(units)
          .map((c) => `<text:h text:outline-level="1">${esc(c.heading)}</text:h>${c.paragraphs.map((p) => `<text:p>${esc(p)}</text:p>`).join('')}`)
          .join(''),
      );
    case 'epub': {
      const cs = chapters(units);
      const half = Math.ceil(cs.length / 2);
      const body = (list: typeof cs) => list.map((c) => `<h2>${esc(c.heading)}</h2>${c.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('')}`).join('');
      return epub({
        'OEBPS/text/ch1.xhtml': xhtml('Chapter One', `<h1>Chapter One</h1>${body(cs.slice(0, half))}`),
        'OEBPS/text/chapter 2.xhtml': xhtml('Chapter Two', `<h1>Chapter Two</h1>${body(cs.slice(half))}`),
      });
    }
  }
}

/** A file of about `bytes` bytes: builds once, scales the units, builds again (twice at most). */
async function buildSized(format: UploadFormat, bytes: number, seed: number): Promise<Buffer> {
  let units = 50;
  let file = await build(format, units, seed);
  for (let i = 0; i < 2 && Math.abs(file.length - bytes) / bytes > 0.05; i++) {
    units = Math.max(1, Math.round((units * bytes) / file.length));
    file = await build(format, units, seed);
  }
  return file;
}

/** A text PDF (uncompressed pages, as many as needed) of at most `bytes` bytes, within 5 % of it. */
async function bigPdf(bytes: number): Promise<{ file: Buffer; pages: number }> {
  const say = prose(424242);
  const make = (pages: number) => textPagesPdf(pages, () => say(3), { compress: false, info: { Title: 'Big report', Author: 'Bench' } });
  let pages = 20;
  let file = await make(pages);
  for (let i = 0; i < 4; i++) {
    const next = Math.max(1, Math.floor((pages * bytes * 0.985) / file.length));
    if (next === pages && file.length <= bytes) break;
    pages = next;
    file = await make(pages);
    if (file.length <= bytes && file.length > bytes * 0.95) break;
  }
  while (file.length > bytes) file = await make((pages = Math.floor(pages * 0.98)));
  return { file, pages };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  status: number;
  body: any;
}

/** The corpus's used_parts, as GET /v2/corpora/{key} reports it. */
async function usedParts(base: string, key: string, corpus: string): Promise<number> {
  const res = await fetch(`${base}/v2/corpora/${encodeURIComponent(corpus)}`, { headers: { 'x-api-key': key } });
  if (res.status !== 200) throw new Error(`get corpus ${corpus}: HTTP ${res.status}`);
  return ((await res.json()) as { limits: { used_parts: number } }).limits.used_parts;
}

async function uploadFile(base: string, key: string, corpus: string, name: string, file: Buffer, fields: Record<string, string>): Promise<Answer> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(file)]), name);
  const res = await fetch(`${base}/v2/corpora/${corpus}/upload_file`, {
    method: 'POST',
    headers: { 'x-api-key': key },
    body: fd,
    signal: AbortSignal.timeout(600_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

const errorOf = (a: Answer) => `${a.status} ${JSON.stringify(a.body).slice(0, 300)}`;

/** Resident set size of a process in bytes (VmRSS, Linux). */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb[1]) * 1024;
}

/** Samples `pid`'s RSS every SAMPLE_MS until stop() is called. */
function sampler(pid: number) {
  const samples: number[] = [rss(pid)];
  const timer = setInterval(() => samples.push(rss(pid)), SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      samples.push(rss(pid));
      return samples;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

// ---------------------------------------------------------------------------------------------
// Run

export async function runUpload(options: Partial<UploadOptions>, log: (line: string) => void): Promise<UploadReport> {
  const settings: UploadOptions = { ...UPLOAD_DEFAULTS, ...options };
  if (settings.memoryPdfBytes > UPLOAD_LIMIT) throw new Error(`the memory PDF must be at most ${UPLOAD_LIMIT} bytes`);
  const perFile = (settings.megabytesPerFormat * MiB) / settings.filesPerFormat;

  log(`upload: making ${settings.filesPerFormat} files of each of ${FORMATS.length} formats (${settings.megabytesPerFormat} MB per format)...`);
  const files = new Map<UploadFormat, Buffer[]>();
  for (const format of FORMATS) {
    const list: Buffer[] = [];
    for (let i = 0; i < settings.filesPerFormat; i++) list.push(await buildSized(format, perFile, i + 1));
    files.set(format, list);
  }
  log('upload: making the memory PDF...');
  const big = await bigPdf(settings.memoryPdfBytes);
  const warmUp = await samplePdf();

  const server = await startBenchServer(['--import', 'tsx', 'bench/server.ts', '--exit-with-stdin'], 'upload server');
  const base = `http://127.0.0.1:${server.info.port}`;
  const { ownerKey, corpusKey, pid } = server.info;
  const tables = { table_extraction_config: JSON.stringify({ extract_tables: true }) };
  try {
    // Throughput, one format after another, one upload at a time.
    const rows: FormatRow[] = [];
    for (const format of FORMATS) {
      const list = files.get(format)!;
      const bytes = list.reduce((n, f) => n + f.length, 0);
      let failures = 0;
      let firstError: string | undefined;
      const partsBefore = await usedParts(base, ownerKey, corpusKey);
      const t0 = performance.now();
      for (const [i, file] of list.entries()) {
        const answer = await uploadFile(base, ownerKey, corpusKey, `${format}-${i}.${format}`, file, tables);
        if (answer.status !== 201) {
          failures++;
          firstError ??= errorOf(answer);
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      // Read after the clock stops: an upload's answer, like Vectara's, does not list the parts.
      const parts = (await usedParts(base, ownerKey, corpusKey)) - partsBefore;
      const row: FormatRow = {
        format,
        files: list.length,
        bytes,
        parts,
        seconds: round(seconds, 3),
        megabytesPerSecond: round(bytes / MiB / seconds, 3),
        documentsPerSecond: round(list.length / seconds, 2),
        failures,
        ...(firstError ? { firstError } : {}),
      };
      rows.push(row);
      log(`  ${format.padEnd(5)} ${row.megabytesPerSecond} MB/s  ${row.documentsPerSecond} docs/s${failures ? `  (${failures} failed: ${firstError})` : ''}`);
    }

    // Memory: warm-up upload, idle, then the big PDF.
    log(`upload: memory while uploading a ${round(big.file.length / MiB, 2)} MB PDF (${big.pages} pages)...`);
    const warm = await uploadFile(base, ownerKey, corpusKey, 'warm-up.pdf', warmUp, tables);
    if (warm.status !== 201) log(`  warm-up upload failed: ${errorOf(warm)}`);
    await sleep(1000);
    const idleSampler = sampler(pid);
    await sleep(1000);
    const idleSamples = idleSampler.stop();
    const idle = median(idleSamples);
    const during = sampler(pid);
    const t0 = performance.now();
    const answer = await uploadFile(base, ownerKey, corpusKey, 'big.pdf', big.file, tables);
    const uploadSeconds = (performance.now() - t0) / 1000;
    const samples = during.stop();
    const peak = Math.max(...samples);
    const ratio = (peak - idle) / big.file.length;
    const memory: MemoryReport = {
      fileBytes: big.file.length,
      pages: big.pages,
      status: answer.status,
      ...(answer.status === 201 ? {} : { error: errorOf(answer) }),
      uploadSeconds: round(uploadSeconds, 2),
      idleRssBytes: idle,
      peakRssBytes: peak,
      samples: samples.length,
      ratio: round(ratio, 2),
      target: `peak RSS under ${MEMORY_TARGET}x the file size above idle`,
      pass: answer.status === 201 && ratio < MEMORY_TARGET,
    };
    return { settings, formats: rows, memory };
  } finally {
    await stopBenchServer(server.child, 5_000);
  }
}

export function formatUpload(r: UploadReport): string[] {
  const mb = (b: number) => `${round(b / MiB, 1)} MB`;
  const m = r.memory;
  return [
    `Upload (POST /v2/corpora/bench/upload_file over HTTP, one at a time, extract_tables on; ` +
      `${r.settings.filesPerFormat} files per format, about ${r.settings.megabytesPerFormat} MB per format)`,
    '  format   files     bytes    parts   seconds     MB/s   docs/s',
    ...r.formats.map(
      (f) =>
        `  ${f.format.padEnd(6)} ${String(f.files).padStart(6)} ${mb(f.bytes).padStart(9)} ${String(f.parts).padStart(8)} ` +
        `${f.seconds.toFixed(2).padStart(9)} ${f.megabytesPerSecond.toFixed(2).padStart(8)} ${f.documentsPerSecond.toFixed(2).padStart(8)}` +
        (f.failures ? `   ${f.failures} FAILED: ${f.firstError}` : ''),
    ),
    '',
    `Peak memory, one ${mb(m.fileBytes)} PDF (${m.pages} pages; status ${m.status}${m.error ? `: ${m.error}` : ''}, ${m.uploadSeconds} s)`,
    `  idle RSS ${mb(m.idleRssBytes)}, peak RSS ${mb(m.peakRssBytes)} (${m.samples} samples every ${SAMPLE_MS} ms)`,
    `  (peak - idle) / file size = ${m.ratio}x`,
    `  target: ${m.target}  ${m.pass ? 'PASS' : 'MISS'}`,
  ];
}
