import type { GenerationInput, LanguageModel } from '../types.js';
import { candidateSentences } from './sentences.js';
import { queryTerms, selectForDocument, selectForQuestion } from './select.js';
import { termAnalyser } from './terms.js';

/**
 * Quarry's built-in answer writer, the default "LLM": an extractive summariser, not a language
 * model. It never writes a word of its own: the answer is the sentences of the search results
 * that best answer the query (or, with an empty query, that best summarise the document the
 * results are the parts of), each quoted exactly and followed by ` [N]` citing `results[N - 1]`.
 * All the work is done before the first chunk, in a few milliseconds for a page of results, so
 * the stream starts at once.
 */
export const EXTRACTIVE_LLM_NAME = 'quarry-extractive-summariser';

/** The whole answer when there is nothing to quote: no results, or no sentence shares a term with the query. */
export const NO_ANSWER = 'The search results contain no information on this.';

/** Answer length when the request names none: a short paragraph. */
export const DEFAULT_MAX_RESPONSE_CHARACTERS = 600;

/** A quoted sentence and the 0-based index of the result it is quoted from. */
export interface ExtractedSentence {
  text: string;
  result: number;
}

/**
 * The sentences of the answer, in answer order; empty when there is nothing to extract. Every
 * `text` is a trimmed substring of `input.results[result].text`. Synchronous; exported for
 * tests and benchmarks, which time the selection apart from the stream.
 *
 * `input.language` is the language the answer was asked for. A quotation can only be in its
 * source's language, so it serves as the best hint there is for segmenting sentences and for
 * whether English stop words and stemming apply.
 */
export function extractSentences(input: GenerationInput): ExtractedSentence[] {
  if (input.results.length === 0) return [];
  const language = input.language || 'und';
  const analyser = termAnalyser(language);
  const candidates = candidateSentences(input.results, language, analyser);
  const budget = input.maxResponseCharacters !== undefined && input.maxResponseCharacters > 0
    ? input.maxResponseCharacters
    : DEFAULT_MAX_RESPONSE_CHARACTERS;
  const chosen = input.query.trim() === ''
    ? selectForDocument(candidates, budget)
    : selectForQuestion(
        candidates,
        queryTerms(analyser.terms(input.query), (input.history ?? []).map((turn) => analyser.terms(turn.query))),
        budget,
      );
  return chosen.map((c) => ({ text: c.text, result: c.result }));
}

/**
 * One small answer in each mode, so that building the sentence segmenter and compiling the
 * patterns (tens of milliseconds, once per process) happen at start-up rather than in front of
 * the first client waiting for its stream.
 */
let warmedUp = false;
function warmUp(): void {
  if (warmedUp) return;
  warmedUp = true;
  const results = [
    { text: 'Quarry answers questions. It quotes its sources.', document_id: 'warm-up', document_metadata: {}, part_metadata: {}, score: 1 },
  ];
  const input = { query: 'what does Quarry answer?', results, messages: [], history: [], language: 'eng', modelParameters: {} };
  extractSentences(input);
  extractSentences({ ...input, query: '' });
}

export class ExtractiveSummariser implements LanguageModel {
  readonly name = EXTRACTIVE_LLM_NAME;

  constructor() {
    warmUp();
  }

  /**
   * Yields one chunk per sentence: the first is `sentence [N]`, each later one ` sentence [N]`,
   * so the chunks joined are the answer. Yields only NO_ANSWER when there is nothing to extract.
   * When `input.signal` is aborted it stops without another chunk (and without an error: the
   * caller aborted, it knows). Ignores `modelParameters` and `messages`: there is no prompt to read.
   */
  async *generate(input: GenerationInput): AsyncGenerator<string> {
    if (input.signal?.aborted) return;
    const sentences = extractSentences(input);
    if (sentences.length === 0) {
      yield NO_ANSWER;
      return;
    }
    for (const [i, s] of sentences.entries()) {
      if (input.signal?.aborted) return;
      yield `${i === 0 ? '' : ' '}${s.text} [${s.result + 1}]`;
    }
  }
}
