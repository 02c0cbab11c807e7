import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { QuarryError } from '../domain/errors.js';
import type { DocumentBody } from '../ingestion/documents.js';
import type { WithApp } from './keys.js';

/**
 * One document to ingest: a create-document body (.json, .jsonl), a file to parse like an
 * upload (every other extension: the same parsers as upload_file), or why a source gave none.
 */
type Item = { source: string; body: DocumentBody } | { source: string; file: string } | { source: string; error: string };

/** JSONL: one create-document body per line, as POST /v2/corpora/{key}/documents takes it. */
async function* fromJsonLines(path: string): AsyncGenerator<Item> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      yield { source: `${path}:${n}`, body: JSON.parse(line) as DocumentBody };
    } catch (err) {
      yield { source: `${path}:${n}`, error: `not valid JSON (${(err as Error).message})` };
    }
  }
}

async function countItems(paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) {
    if (extname(p) === '.jsonl') {
      for await (const line of createInterface({ input: createReadStream(p, 'utf8'), crlfDelay: Infinity })) if (line.trim()) total++;
    } else total++;
  }
  return total;
}

async function* items(paths: string[]): AsyncGenerator<Item> {
  for (const p of paths) {
    try {
      if (!statSync(p).isFile()) {
        yield { source: p, error: 'not a file' };
        continue;
      }
    } catch {
      yield { source: p, error: 'does not exist' };
      continue;
    }
    const ext = extname(p).toLowerCase();
    if (ext === '.jsonl') yield* fromJsonLines(p);
    else if (ext === '.json') {
      try {
        yield { source: p, body: JSON.parse(readFileSync(p, 'utf8')) as DocumentBody };
      } catch (err) {
        yield { source: p, error: `not valid JSON (${(err as Error).message})` };
      }
    } else yield { source: p, file: p };
  }
}

/**
 * `quarry ingest <corpus> <files…>`: bulk indexing on the server machine through the same
 * ingestion pipeline as the API, one document per transaction, with a progress bar and a summary.
 * Documents already in the corpus are skipped, so an interrupted run can simply be run again.
 */
export function ingestCommand(program: Command, withApp: WithApp): void {
  program
    .command('ingest <corpus> <files...>')
    .description(
      'index files (text, Markdown, HTML, CSV, RTF, PDF, DOCX, PPTX, ODT, EPUB: read as upload_file reads them), ' +
        '.json document bodies or .jsonl files (one body per line) into a corpus',
    )
    .option('--quiet', 'no progress bar')
    .option('--tables', 'extract tables from the files (as table_extraction_config.extract_tables)')
    .action((corpus: string, files: string[], opts: { quiet?: boolean; tables?: boolean }) =>
      withApp(async (app) => {
        await app.services.corpora.require(corpus);
        const total = await countItems(files);
        const bar = new cliProgress.SingleBar(
          { format: 'ingest [{bar}] {value}/{total} documents | {eta_formatted} left | {failed} failed', hideCursor: true, noTTYOutput: false },
          cliProgress.Presets.shades_classic,
        );
        const show = !opts.quiet && process.stderr.isTTY;
        if (show) bar.start(total, 0, { failed: 0 });
        const summary = { indexed: 0, parts: 0, skipped: 0, failed: 0 };
        const failures: string[] = [];
        const started = Date.now();
        for await (const item of items(files)) {
          if ('error' in item) {
            summary.failed++;
            failures.push(`${item.source}: ${item.error}`);
          } else {
            try {
              const created =
                'file' in item
                  ? await app.services.uploads.upload(corpus, {
                      bytes: readFileSync(item.file),
                      filename: basename(item.file),
                      metadata: { source: item.file },
                      extractTables: opts.tables ?? false,
                    })
                  : await app.services.documents.create(corpus, item.body);
              summary.indexed++;
              summary.parts += created.partCount;
            } catch (err) {
              if (err instanceof QuarryError && err.status === 409) summary.skipped++;
              else {
                summary.failed++;
                const fields = err instanceof QuarryError && err.details.fieldErrors ? ` ${JSON.stringify(err.details.fieldErrors)}` : '';
                failures.push(`${item.source}: ${(err as Error).message}${fields}`);
              }
            }
          }
          if (show) bar.increment(1, { failed: summary.failed });
        }
        if (show) bar.stop();
        const seconds = (Date.now() - started) / 1000;
        for (const f of failures.slice(0, 20)) process.stderr.write(`failed: ${f}\n`);
        if (failures.length > 20) process.stderr.write(`… and ${failures.length - 20} more failures\n`);
        process.stdout.write(
          `indexed ${summary.indexed} documents (${summary.parts} parts), skipped ${summary.skipped} already present, ` +
            `failed ${summary.failed}, in ${seconds.toFixed(1)} s\n`,
        );
        if (summary.failed > 0) process.exitCode = 1;
      }),
    );
}
