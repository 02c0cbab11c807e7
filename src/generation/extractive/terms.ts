import { STOP_WORDS } from '../../retrieval/lexical/stop-words.js';
import { lightStem } from '../../retrieval/rerank/light-stem.js';

/**
 * The words the extractive summariser compares: a text's distinct terms, lower-cased. For English
 * (the one language we have stop words and a stemmer for) function words are dropped and word
 * forms are merged; for other languages plain word overlap does the job, since the inverse
 * frequencies the selector applies make common words count for little anyway. Scripts written
 * without spaces (Chinese, Japanese, Thai…) have no words to match, so their runs of letters are
 * read as overlapping character pairs, a cheap stand-in for word segmentation.
 */
export interface TermAnalyser {
  /** Distinct terms of `text`, in order of first appearance. */
  terms(text: string): string[];
  /** The same from the text's words (`words(text)`), for callers that need those as well. */
  termsOfWords(words: readonly string[]): string[];
}

/** ISO 639-3 codes (and the 639-1 form, should one arrive) whose stop words and stemmer we have. */
const ENGLISH = new Set(['eng', 'en']);

/**
 * Words of questions that say what is asked rather than what about ("what about its options?"),
 * on top of the shared lexical stop words, which were chosen for search queries, not questions.
 */
const QUESTION_WORDS: ReadonlySet<string> = new Set([
  'what', 'how', 'why', 'when', 'where', 'who', 'whom', 'whose', 'about', 'i', 'me', 'my', 'our',
  'us', 'should', 'would', 'could', 'shall', 'may', 'might', 'must', 'please', 'tell', 'explain',
  'any', 'some', 'also', 'did', 'been', 'being', 'am', 'he', 'she', 'him', 'her', 'them', 'those',
  'here', 'more', 'else', 'again', 'further',
]);

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The runs of letters, marks and digits of `text`, as written. */
export const words = (text: string): string[] => text.match(WORD) ?? [];

/** Scripts written without spaces between words. */
export const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

export function termAnalyser(language: string): TermAnalyser {
  const english = ENGLISH.has(language.toLowerCase());
  const termsOfWords = (ws: readonly string[]): string[] => {
    const out = new Set<string>();
    for (const w of ws) {
      const word = w.toLowerCase();
      if (UNSPACED_SCRIPT.test(word)) {
        addCharacterPairs(word, out);
      } else if (word.length < 2) {
        // Single letters ("s" of "rsync's", "t" of "don't") match everything and mean nothing.
        continue;
      } else if (english) {
        if (!STOP_WORDS.has(word) && !QUESTION_WORDS.has(word)) out.add(lightStem(word));
      } else {
        out.add(word);
      }
    }
    return [...out];
  };
  return { termsOfWords, terms: (text) => termsOfWords(words(text)) };
}

/** "検索結果" -> 検索, 索結, 結果; a lone character stands for itself. */
function addCharacterPairs(word: string, out: Set<string>): void {
  const chars = Array.from(word);
  if (chars.length === 1) {
    out.add(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
}
