/**
 * The `fcs` bench section: how well the built-in lexical consistency scorer separates supported
 * answers from corrupted ones on the manpages-derived set (bench/fcs-dataset.ts), as ROC AUC
 * overall and per kind of corruption (each kind's negatives against all positives), and what
 * scoring costs per item. Target: AUC >= 0.85 overall.
 *
 * It also runs the built-in hallucination corrector over the same items: how many supported
 * answers it leaves untouched, and how many corrupted ones it changes into text the scorer then
 * calls supported (score >= 0.9), and in how many of those it restored the original answer exactly
 * (a rewrite) rather than dropping the sentence.
 */
import { LexicalConsistencyScorer, scoreConsistency } from '../src/generation/consistency/lexical-scorer.js';
import { correctText } from '../src/generation/correction/builtin-corrector.js';
import { buildFcsDataset, loadManpages, NEGATIVE_KINDS, type FcsItem } from './fcs-dataset.js';

const TARGET_AUC = 0.85;

export interface FcsOptions {
  /** Manual pages to build items from (default 500, about 2,200 items). */
  documents?: number;
  seed?: number;
}

export const FCS_DEFAULTS = { documents: 500, seed: 1 } as const;

export interface FcsReport {
  scorer: string;
  items: number;
  positives: number;
  negatives: Record<string, number>;
  auc: number;
  aucByKind: Record<string, number>;
  /** Mean score per kind, for a feel of the scale. */
  meanScore: Record<string, number>;
  msPerItemMean: number;
  msPerItemP99: number;
  corrector: {
    /** Supported answers the corrector left exactly as they were. */
    untouchedShare: number;
    /** Corrupted answers the corrector changed into text that scores >= 0.9. */
    repairedShare: number;
    /** Corrupted answers whose corrected text is the original answer again (a rewrite, not a cut). */
    restoredShare: number;
    msPerItemMean: number;
  };
  target: number;
  pass: boolean;
}

/**
 * ROC AUC by the Mann-Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting half. Throws unless both classes are present.
 */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const meanRank = (i + 1 + j) / 2; // 1-based ranks i+1 … j share their mean
    for (let k = i; k < j; k++) {
      if (order[k]!.y === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('AUC needs both positives and negatives');
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const pct = (x: number) => `${round(x * 100, 1)}%`;

export async function runFcsBench(options: FcsOptions = {}, log: (line: string) => void = () => {}): Promise<FcsReport> {
  const documents = options.documents ?? FCS_DEFAULTS.documents;
  const items: FcsItem[] = buildFcsDataset(loadManpages(), { documents, seed: options.seed ?? FCS_DEFAULTS.seed });
  log(`fcs: scoring ${items.length} items from ${documents} manual pages...`);
  const scorer = new LexicalConsistencyScorer();
  const scores: number[] = [];
  const times: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    scores.push(await scorer.score(item.generated, item.sources));
    times.push(performance.now() - t0);
  }
  const labels = items.map((i) => i.label);
  const positives = items.filter((i) => i.label === 1).length;
  const negatives: Record<string, number> = {};
  const aucByKind: Record<string, number> = {};
  const meanScore: Record<string, number> = {};
  for (const kind of ['faithful', ...NEGATIVE_KINDS]) {
    const idx = items.map((it, i) => (it.kind === kind ? i : -1)).filter((i) => i >= 0);
    meanScore[kind] = round(idx.reduce((s, i) => s + scores[i]!, 0) / Math.max(1, idx.length));
    if (kind === 'faithful') continue;
    negatives[kind] = idx.length;
    const subset = items.map((it, i) => (it.label === 1 || it.kind === kind ? i : -1)).filter((i) => i >= 0);
    if (idx.length) aucByKind[kind] = round(rocAuc(subset.map((i) => scores[i]!), subset.map((i) => labels[i]!)));
  }
  const auc = round(rocAuc(scores, labels));

  log('fcs: correcting...');
  let untouched = 0;
  let repaired = 0;
  let restored = 0;
  const c0 = performance.now();
  for (const item of items) {
    const out = correctText(item.generated, item.sources);
    if (item.label === 1) {
      if (out.corrected_text === item.generated) untouched++;
    } else {
      if (out.corrected_text !== item.generated && scoreConsistency(out.corrected_text, item.sources) >= 0.9) repaired++;
      if (out.corrected_text === item.original) restored++;
    }
  }
  const correctMs = (performance.now() - c0) / items.length;
  const corrupted = items.length - positives;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    scorer: scorer.name,
    items: items.length,
    positives,
    negatives,
    auc,
    aucByKind,
    meanScore,
    msPerItemMean: round(times.reduce((a, b) => a + b, 0) / times.length, 3),
    msPerItemP99: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!, 3),
    corrector: {
      untouchedShare: round(untouched / positives),
      repairedShare: round(repaired / corrupted),
      restoredShare: round(restored / corrupted),
      msPerItemMean: round(correctMs, 3),
    },
    target: TARGET_AUC,
    pass: auc >= TARGET_AUC,
  };
}

export function formatFcs(report: FcsReport): string[] {
  const kinds = Object.keys(report.aucByKind);
  return [
    `Factual consistency (fcs): ${report.scorer} on ${report.items} manpage items (${report.positives} supported)`,
    `  ${'kind'.padEnd(10)} ${'items'.padStart(6)} ${'ROC AUC'.padStart(8)} ${'mean score'.padStart(11)}`,
    `  ${'faithful'.padEnd(10)} ${String(report.positives).padStart(6)} ${''.padStart(8)} ${String(report.meanScore.faithful).padStart(11)}`,
    ...kinds.map(
      (k) =>
        `  ${k.padEnd(10)} ${String(report.negatives[k]).padStart(6)} ${String(report.aucByKind[k]).padStart(8)} ${String(report.meanScore[k]).padStart(11)}`,
    ),
    `  ${'all'.padEnd(10)} ${String(report.items).padStart(6)} ${String(report.auc).padStart(8)}`,
    `  scoring time per item: mean ${report.msPerItemMean} ms, p99 ${report.msPerItemP99} ms`,
    `  corrector (quarry-lexical-corrector): supported answers untouched ${pct(report.corrector.untouchedShare)}, ` +
      `corrupted answers repaired ${pct(report.corrector.repairedShare)} (restored word for word ${pct(report.corrector.restoredShare)}), ` +
      `${report.corrector.msPerItemMean} ms per item`,
    `  target: ROC AUC >= ${report.target}  ${report.pass ? 'PASS' : 'FAIL'}`,
  ];
}
