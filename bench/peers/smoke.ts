/**
 * Smoke check for bench/peers: a synthetic corpus (random words from a small vocabulary, random
 * L2-normalised vectors), random queries, runPeers, report as JSON on stdout (progress on stderr).
 *
 *   npx tsx bench/peers/smoke.ts [--parts 20000] [--queries 100] [--dim 100] [--seed 42] [--full]
 *                                [--lance-ef N] [--ann-min-rows N]
 *
 * Without --full, `results` is abridged to the first 3 queries per key. Random vectors have no
 * cluster structure, which is the hard case for ANN indexes: recall here is a lower bound.
 */
import { parseArgs } from 'node:util';
import { runPeers, type PeerCorpus, type PeerQuery } from './index.js';

const { values: argv } = parseArgs({
  options: {
    parts: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '100' },
    dim: { type: 'string', default: '100' },
    seed: { type: 'string', default: '42' },
    full: { type: 'boolean', default: false },
    'lance-ef': { type: 'string' },
    'ann-min-rows': { type: 'string' },
  },
  strict: true,
});

const PARTS = Number(argv.parts);
const QUERIES = Number(argv.queries);
const DIM = Number(argv.dim);

// mulberry32: small deterministic PRNG so runs are comparable
let state = Number(argv.seed) >>> 0;
function rand(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gauss(): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const STEMS = [
  'river', 'stone', 'quantum', 'garden', 'signal', 'engine', 'harbor', 'lantern', 'meadow', 'copper',
  'falcon', 'orbit', 'timber', 'canyon', 'glacier', 'pepper', 'violet', 'summit', 'marble', 'thunder',
  'beacon', 'cobalt', 'ember', 'fjord', 'granite', 'horizon', 'island', 'jasmine', 'kernel', 'lattice',
  'mosaic', 'nectar', 'oasis', 'prairie', 'quarry', 'ripple', 'saddle', 'tundra', 'umber', 'vessel',
  'willow', 'xenon', 'yonder', 'zephyr', 'anchor', 'bramble', 'cinder', 'dune', 'estuary', 'fossil',
];
const SUFFIXES = ['', 's', 'ing', 'ed'];
const STOP = ['the', 'and', 'of', 'a', 'to', 'in'];
// 50 stems x 4 forms = 200 content words, plus a few stop words
const VOCAB = [...STEMS.flatMap((s) => SUFFIXES.map((x) => s + x)), ...STOP];

function word(): string {
  return VOCAB[Math.floor(rand() * VOCAB.length)]!;
}
function words(n: number): string {
  return Array.from({ length: n }, word).join(' ');
}
function unitVector(): Float32Array {
  const v = new Float32Array(DIM);
  let s = 0;
  for (let i = 0; i < DIM; i++) {
    v[i] = gauss();
    s += v[i]! * v[i]!;
  }
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < DIM; i++) v[i] = v[i]! * inv;
  return v;
}

const corpus: PeerCorpus = { texts: [], titles: [], vectors: [] };
for (let i = 0; i < PARTS; i++) {
  // ~25 parts per document share a title
  if (i % 25 === 0) corpus.titles.push(words(3));
  else corpus.titles.push(corpus.titles[i - 1]!);
  corpus.texts.push(words(20 + Math.floor(rand() * 40)));
  corpus.vectors.push(unitVector());
}
const queries: PeerQuery[] = Array.from({ length: QUERIES }, () => ({
  text: words(2 + Math.floor(rand() * 3)),
  vector: unitVector(),
}));

const t0 = process.hrtime.bigint();
const report = await runPeers(corpus, queries, {
  k: 10,
  log: (line) => process.stderr.write(line + '\n'),
  ...(argv['lance-ef'] !== undefined ? { lanceEf: Number(argv['lance-ef']) } : {}),
  ...(argv['ann-min-rows'] !== undefined ? { annMinRows: Number(argv['ann-min-rows']) } : {}),
});
const totalS = Number(process.hrtime.bigint() - t0) / 1e9;

if (!argv.full && report.results) {
  for (const key of Object.keys(report.results)) report.results[key] = report.results[key]!.slice(0, 3);
}
const json = JSON.stringify(
  { corpus: { parts: PARTS, dim: DIM, vocabulary: VOCAB.length, queries: QUERIES }, total_seconds: Math.round(totalS * 100) / 100, ...report },
  null,
  2,
);
// keep number lists on one line
console.log(json.replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_m, body: string) => `[${body.replace(/\s+/g, '')}]`));
