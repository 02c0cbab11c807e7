import type { Candidate } from './sentences.js';

/**
 * Which sentences an extractive answer quotes, and in what order. Two modes:
 *
 *  - question: sentences scored by the weighted share of the question's terms they contain (and
 *    their document contains, with the earlier questions of a chat), plus small priors for the
 *    result's rank and the sentence's place in it; quoted best first;
 *  - document: sentences scored by how central they are to the whole document, plus a prior for
 *    the lead; quoted in document order.
 *
 * Both fill a character budget greedily, best first, skipping near-duplicates of what is already
 * chosen; the first choice is always taken, whatever its length, so there is always an answer.
 */

/**
 * What a question asks about: its own terms, and the terms of the questions of earlier turns,
 * weighted by age relative to each other (the latest turn's 1, each older turn's half as much
 * again; how much they count next to the question is EARLIER_WEIGHT). A term of the question
 * itself is not also an earlier term.
 */
export interface QueryTerms {
  question: ReadonlySet<string>;
  earlier: ReadonlyMap<string, number>;
}

const HISTORY_DECAY = 0.5;
/** Older turns than this add nothing worth the noise. */
const HISTORY_TURNS = 4;

/**
 * Earlier questions are what make a follow-up like "what about its options?" lean on the earlier
 * subject; earlier answers are left out, as they are our own output and would echo themselves.
 */
export function queryTerms(question: readonly string[], history: ReadonlyArray<readonly string[]>): QueryTerms {
  const own = new Set(question);
  const earlier = new Map<string, number>();
  const recent = history.slice(-HISTORY_TURNS);
  recent.forEach((terms, i) => {
    const w = HISTORY_DECAY ** (recent.length - 1 - i);
    for (const t of terms) if (!own.has(t)) earlier.set(t, Math.max(earlier.get(t) ?? 0, w));
  });
  return { question: own, earlier };
}

/**
 * Inverse sentence frequency, BM25's form (always positive): rare terms say more. Of the given
 * terms only, when given (question mode needs no more, and counting every term costs more than
 * the rest of the selection); terms no candidate holds are left out.
 */
export function inverseFrequencies(candidates: readonly Candidate[], only?: Iterable<string>): Map<string, number> {
  const df = new Map<string, number>();
  if (only) {
    const wanted = [...new Set(only)];
    for (const c of candidates) for (const t of wanted) if (c.terms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  } else {
    for (const c of candidates) for (const t of c.terms) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = candidates.length;
  const idf = new Map<string, number>();
  for (const [t, f] of df) idf.set(t, Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  return idf;
}

/** Scores are `quality × (relevance + priors)`; these weigh the priors against relevance (0..~1). */
const RANK_WEIGHT = 0.2;
const POSITION_WEIGHT = 0.05;
/** Weight of the share of the question that the sentence's whole document covers. */
const DOCUMENT_WEIGHT = 0.3;
/** Weight of the share of the earlier questions that the sentence's document covers. */
const EARLIER_WEIGHT = 0.3;
/** A further sentence must score at least this share of the best one: no padding with the barely related. */
const QUESTION_MIN_RELATIVE = 0.45;

/**
 * Question mode. Only sentences sharing a term with the question are eligible (with the earlier
 * questions' terms when none of the question's own occurs anywhere: "tell me more"); none means
 * nothing to extract (an empty array).
 *
 * Relevance, with terms weighted by IDF, is the share of the question in the sentence, plus parts
 * for the shares of the question and of the earlier questions found anywhere in the sentence's
 * document. The earlier questions count at the document level only, and for less than the
 * question itself: they name the subject ("wget"), which the sentence that answers the follow-up
 * ("It supports HTTP…") rarely repeats but its document does; and a sentence merely mentioning
 * an earlier word should not outrank one answering the question asked now.
 *
 * Output order: by score, best first. The sentence that answers the question opens the answer
 * (and the stream), and one who reads no further has it. Text order would read more smoothly only
 * for sentences that lean on their neighbours, and those are penalised as candidates anyway
 * (see sentenceQuality); the budget is applied before ordering either way.
 */
export function selectForQuestion(candidates: readonly Candidate[], query: QueryTerms, maxChars: number): Candidate[] {
  const idf = inverseFrequencies(candidates, [...query.question, ...query.earlier.keys()]);
  const weigh = (weights: Iterable<[string, number]>) => new Map([...weights].filter(([t]) => idf.has(t)));
  let asked = weigh([...query.question].map((t) => [t, 1]));
  let earlier = weigh(query.earlier);
  if (asked.size === 0) [asked, earlier] = [earlier, new Map()];
  if (asked.size === 0) return [];
  const share = (weights: ReadonlyMap<string, number>) => {
    let total = 0;
    for (const [t, w] of weights) total += w * idf.get(t)!;
    return (terms: ReadonlySet<string>): number => {
      let sum = 0;
      for (const [t, w] of weights) if (terms.has(t)) sum += w * idf.get(t)!;
      return total > 0 ? sum / total : 0;
    };
  };
  const askedShare = share(asked);
  const earlierShare = share(earlier);

  const documentTerms = new Map<string, Set<string>>();
  for (const c of candidates) {
    const set = documentTerms.get(c.document) ?? new Set<string>();
    for (const t of idf.keys()) if (c.terms.has(t)) set.add(t);
    documentTerms.set(c.document, set);
  }
  const documentPart = new Map(
    [...documentTerms].map(([d, terms]) => [d, DOCUMENT_WEIGHT * askedShare(terms) + EARLIER_WEIGHT * earlierShare(terms)]),
  );

  const scored: Scored[] = [];
  for (const c of candidates) {
    const own = askedShare(c.terms);
    if (own === 0) continue;
    const relevance = own + documentPart.get(c.document)!;
    const rankPrior = 1 / (1 + 0.25 * c.result);
    const positionPrior = 1 / (1 + c.position);
    scored.push({ c, score: c.quality * (relevance + RANK_WEIGHT * rankPrior + POSITION_WEIGHT * positionPrior) });
  }
  return fillBudget(scored, maxChars, QUESTION_MIN_RELATIVE);
}

const LEAD_WEIGHT = 0.25;
const DOCUMENT_MIN_RELATIVE = 0.25;

/**
 * Document mode: the candidates are the document's sentences in order. Centrality is the cosine
 * between a sentence's terms and the document's term centroid (each term weighted by IDF and by
 * how many sentences carry it), normalised to the most central sentence; the lead prior favours
 * the opening, where documents usually say what they are about. Output in document order.
 */
export function selectForDocument(candidates: readonly Candidate[], maxChars: number): Candidate[] {
  if (candidates.length === 0) return [];
  const idf = inverseFrequencies(candidates);
  const centroid = new Map<string, number>();
  for (const c of candidates) for (const t of c.terms) centroid.set(t, (centroid.get(t) ?? 0) + idf.get(t)!);
  let centroidNorm = 0;
  for (const v of centroid.values()) centroidNorm += v * v;
  centroidNorm = Math.sqrt(centroidNorm) || 1;

  const centrality = candidates.map((c) => {
    let dot = 0;
    let norm = 0;
    for (const t of c.terms) {
      const w = idf.get(t)!;
      dot += w * centroid.get(t)!;
      norm += w * w;
    }
    return norm > 0 ? dot / (Math.sqrt(norm) * centroidNorm) : 0;
  });
  // Reduced rather than Math.max(...spread): a whole document can have more sentences than a call has arguments.
  const top = centrality.reduce((a, b) => Math.max(a, b), 0) || 1;
  const scored = candidates.map((c, i) => ({
    c,
    score: c.quality * (centrality[i]! / top + LEAD_WEIGHT / (1 + 0.5 * c.ordinal)),
  }));
  return fillBudget(scored, maxChars, DOCUMENT_MIN_RELATIVE).sort((a, b) => a.ordinal - b.ordinal);
}

interface Scored {
  c: Candidate;
  score: number;
}

/** Below this quality a sentence is only ever quoted as the first (fallback) choice. */
const MIN_QUALITY_AFTER_FIRST = 0.3;

/**
 * Greedy best-first fill of `maxChars`, counting what the answer will hold: the sentence, its
 * ` [N]` citation and the space before it. The first (best) sentence is always taken. Ties go to
 * the earlier candidate, so the choice is deterministic.
 */
function fillBudget(scored: Scored[], maxChars: number, minRelative: number): Candidate[] {
  scored.sort((a, b) => b.score - a.score || a.c.ordinal - b.c.ordinal);
  const best = scored[0];
  if (!best) return [];
  const chosen: Candidate[] = [best.c];
  let used = answerCost(best.c, false);
  for (let i = 1; i < scored.length; i++) {
    const { c, score } = scored[i]!;
    if (score < best.score * minRelative) break;
    if (used + MIN_SENTENCE_COST > maxChars) break;
    if (c.quality < MIN_QUALITY_AFTER_FIRST) continue;
    const cost = answerCost(c, true);
    if (used + cost > maxChars) continue;
    if (chosen.some((o) => nearDuplicate(o, c))) continue;
    chosen.push(c);
    used += cost;
  }
  return chosen;
}

/** No sentence worth adding is shorter than this (with its citation): stop once it cannot fit. */
const MIN_SENTENCE_COST = 24;

const answerCost = (c: Candidate, separated: boolean): number =>
  c.text.length + ` [${c.result + 1}]`.length + (separated ? 1 : 0);

/**
 * Near-duplicates say the same thing twice (the `gcloud alpha` / `beta` variants of one page, a
 * sentence repeated in a summary): high Jaccard overlap of their terms, or one's terms nearly all
 * inside the other's.
 */
function nearDuplicate(a: Candidate, b: Candidate): boolean {
  if (a.terms.size === 0 || b.terms.size === 0) return a.text.toLowerCase() === b.text.toLowerCase();
  const [small, large] = a.terms.size <= b.terms.size ? [a.terms, b.terms] : [b.terms, a.terms];
  let shared = 0;
  for (const t of small) if (large.has(t)) shared++;
  const jaccard = shared / (a.terms.size + b.terms.size - shared);
  return jaccard >= 0.6 || (small.size >= 4 && shared / small.size >= 0.85);
}
