import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { rebuildVectors } from '../domain/documents/rebuild-vectors.js';
import type { WithApp } from './keys.js';

/** `quarry reindex <corpus>`: re-embed a corpus's parts from the text in the database. */
export function reindexCommand(program: Command, withApp: WithApp): void {
  program
    .command('reindex <corpus>')
    .description("rebuild a corpus's vectors from the text kept in the database, with its encoder")
    .action((corpusKey: string) =>
      withApp(async (app) => {
        const corpus = await app.services.corpora.require(corpusKey);
        const parts = (await app.services.corpora.computeSize(corpusKey)).used_parts;
        const bar = new cliProgress.SingleBar({ format: 'reindex [{bar}] {value}/{total} parts | {eta_formatted} left' }, cliProgress.Presets.shades_classic);
        const show = process.stderr.isTTY;
        if (show) bar.start(parts, 0);
        const started = Date.now();
        const done = await rebuildVectors(app.storage, app.services.encoders, corpus, (n) => show && bar.update(n));
        if (show) bar.stop();
        process.stdout.write(`re-embedded ${done} parts of '${corpusKey}' in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }),
    );
}
