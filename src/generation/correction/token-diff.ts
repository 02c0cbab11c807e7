/**
 * Word-level differences between a generated sentence and the source sentence it follows, as
 * hunks: runs of tokens that differ, between runs that match (normalised tokens compared, so case,
 * "doesn't" / "does not" and citation markers make no difference). The corrector rewrites a hunk
 * by putting the source's words in place of the generated ones.
 */
import type { Token } from '../consistency/text.js';

export interface Hunk {
  /** Generated tokens [genFrom, genTo) differ from source tokens [srcFrom, srcTo). */
  genFrom: number;
  genTo: number;
  srcFrom: number;
  srcTo: number;
}

/** Hunks of a longest-common-subsequence alignment of `gen` and `src`, in order. */
export function diffTokens(gen: readonly Token[], src: readonly Token[]): Hunk[] {
  const n = gen.length;
  const m = src.length;
  // lcs[i][j]: length of the LCS of gen[i..] and src[j..]; sentences are short, so O(n*m) is fine.
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = gen[i]!.norm === src[j]!.norm ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const hunks: Hunk[] = [];
  let open: Hunk | undefined;
  const close = () => {
    if (open) hunks.push(open);
    open = undefined;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && gen[i]!.norm === src[j]!.norm) {
      close();
      i++;
      j++;
      continue;
    }
    open ??= { genFrom: i, genTo: i, srcFrom: j, srcTo: j };
    if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) open.genTo = ++i;
    else open.srcTo = ++j;
  }
  close();
  return merge(hunks.map((h) => widen(h, gen, src)));
}

/** Whether the boundary before token `at` falls inside one surface word. */
const splitsWord = (tokens: readonly Token[], at: number): boolean =>
  at > 0 && at < tokens.length && tokens[at - 1]!.start === tokens[at]!.start;

/**
 * Widens a hunk so that it does not split a surface word into pieces ("doesn't" is "does" + "not"
 * over one span): a rewrite replaces whole words. The neighbours taken in are matched pairs, so the
 * hunk widens alike on both sides.
 */
function widen(h: Hunk, gen: readonly Token[], src: readonly Token[]): Hunk {
  const w = { ...h };
  while (w.genFrom > 0 && w.srcFrom > 0 && (splitsWord(gen, w.genFrom) || splitsWord(src, w.srcFrom))) {
    w.genFrom--;
    w.srcFrom--;
  }
  while (w.genTo < gen.length && w.srcTo < src.length && (splitsWord(gen, w.genTo) || splitsWord(src, w.srcTo))) {
    w.genTo++;
    w.srcTo++;
  }
  return w;
}

/** Hunks that overlap or touch after widening become one. */
function merge(hunks: readonly Hunk[]): Hunk[] {
  const out: Hunk[] = [];
  for (const h of hunks) {
    const last = out[out.length - 1];
    if (last && h.genFrom <= last.genTo && h.srcFrom <= last.srcTo) {
      last.genTo = Math.max(last.genTo, h.genTo);
      last.srcTo = Math.max(last.srcTo, h.srcTo);
    } else {
      out.push({ ...h });
    }
  }
  return out;
}
