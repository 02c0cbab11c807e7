/**
 * Word lists the lexical consistency checks rely on: negation cues (English, German, French),
 * function words left out of the content-word comparison, number words, and antonym pairs.
 *
 * The three languages' lists are applied together rather than per detected language: their cues
 * hardly collide ("nicht", "pas", "not" mean nothing else in the other two), and not having to
 * detect the language keeps scoring cheap and correct on mixed-language text.
 */
import { lightStem } from '../../retrieval/rerank/light-stem.js';
import { STOP_WORDS } from '../../retrieval/lexical/stop-words.js';

/** ISO 639-3 codes of the languages whose negation cues the lexical checks know. */
export const FCS_LANGUAGES: readonly string[] = ['eng', 'deu', 'fra'];

/**
 * Single-token negation cues. Tokenisation has already turned "n't" into "not" and "cannot" into
 * "can not", and split French elisions ("n'est" -> "n", "est").
 */
export const NEGATION_CUES: ReadonlySet<string> = new Set([
  // English
  'not', 'no', 'never', 'none', 'nothing', 'nobody', 'neither', 'nor', 'without', 'nowhere',
  // German
  'nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines', 'nie', 'niemals', 'ohne', 'nichts', 'weder',
  // French (the "ne" of "ne … pas" is counted by frenchNegations, not here)
  'sans',
]);

/**
 * French negation is usually two words ("ne … pas", "n'… jamais") and colloquially just the second.
 * Counted once per negation: each "ne"/"n'", plus each second part that has no "ne" shortly before.
 */
export const FRENCH_NE: ReadonlySet<string> = new Set(['ne', 'n']);
export const FRENCH_NEGATION_TAILS: ReadonlySet<string> = new Set(['pas', 'jamais', 'rien', 'aucun', 'aucune', 'guère', 'nullement']);

/** Function words of the three languages; they carry no checkable fact. Negation cues are kept apart. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...STOP_WORDS,
  // English, beyond the retrieval stop words
  'also', 'any', 'all', 'been', 'being', 'both', 'each', 'either', 'had', 'here', 'how', 'may', 'might',
  'must', 'only', 'other', 'our', 'own', 'should', 'some', 'them', 'those', 'what', 'when', 'where', 'who',
  'whom', 'why', 'would', 'could', 'shall', 'us', 'he', 'she', 'his', 'her', 'i', 'me', 'my', 'am', 'did',
  'just', 'very', 'about', 'above', 'after', 'again', 'against', 'because', 'before', 'between', 'during',
  'further', 'more', 'most', 'once', 'out', 'over', 'same', 'too', 'under', 'until', 'up', 'while', 'one',
  'used', 'use', 'using', 'following', 'given', 'like', 'via', 'e', 'g', 'etc', 'i.e', 'e.g', 'which',
  // German
  'der', 'die', 'das', 'den', 'dem', 'des', 'ein', 'eine', 'einen', 'einem', 'einer', 'eines', 'und',
  'oder', 'aber', 'ist', 'sind', 'war', 'wird', 'werden', 'wurde', 'mit', 'von', 'zu', 'zum', 'zur', 'im',
  'auf', 'für', 'aus', 'bei', 'nach', 'als', 'auch', 'es', 'sie', 'er', 'wir', 'ihr', 'sich', 'dass',
  'wenn', 'kann', 'können', 'muss', 'soll', 'hat', 'haben', 'nur', 'so', 'wie', 'diese', 'dieser', 'dieses',
  // French
  'le', 'la', 'les', 'l', 'un', 'une', 'des', 'du', 'de', 'd', 'et', 'ou', 'mais', 'est', 'sont', 'était',
  'être', 'avec', 'pour', 'par', 'dans', 'sur', 'au', 'aux', 'ce', 'cet', 'cette', 'ces', 'il', 'elle',
  'ils', 'elles', 'on', 'nous', 'vous', 'qui', 'que', 'qu', 'se', 's', 'c', 'j', 'm', 't', 'en', 'y', 'a',
  'peut', 'peuvent', 'doit', 'ont', 'son', 'sa', 'ses', 'leur', 'leurs', 'plus',
]);

/**
 * English number words, two to twenty, mapped to digits so "three retries" meets "3 retries".
 * "one" is left out: it is more often a pronoun ("one can …") than a count.
 */
export const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(
  ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen',
    'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'].map((w, i) => [w, String(i + 2)]),
);

/**
 * Pairs of words whose swap flips a fact while leaving most words in place. Compared after
 * lightStem, like every content word. Not exhaustive: a cheap net for the common swaps.
 */
const ANTONYM_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['enable', 'disable'], ['enabled', 'disabled'], ['true', 'false'], ['start', 'stop'], ['before', 'after'],
  ['increase', 'decrease'], ['minimum', 'maximum'], ['min', 'max'], ['first', 'last'], ['allow', 'deny'],
  ['allow', 'forbid'], ['add', 'remove'], ['include', 'exclude'], ['input', 'output'], ['read', 'write'],
  ['local', 'remote'], ['upper', 'lower'], ['uppercase', 'lowercase'], ['show', 'hide'], ['success', 'failure'],
  ['succeed', 'fail'], ['more', 'less'], ['larger', 'smaller'], ['higher', 'lower'], ['above', 'below'],
  ['open', 'close'], ['ascending', 'descending'], ['import', 'export'], ['public', 'private'],
  ['synchronous', 'asynchronous'], ['sync', 'async'], ['accept', 'reject'], ['encrypt', 'decrypt'],
  ['compress', 'decompress'], ['mount', 'unmount'], ['install', 'uninstall'], ['lock', 'unlock'],
  ['load', 'unload'], ['visible', 'hidden'], ['internal', 'external'], ['valid', 'invalid'],
  ['client', 'server'], ['source', 'destination'], ['older', 'newer'], ['earlier', 'later'], ['left', 'right'],
  ['begin', 'end'], ['head', 'tail'], ['push', 'pull'], ['upload', 'download'], ['connect', 'disconnect'],
  ['always', 'sometimes'], ['required', 'optional'], ['mandatory', 'optional'], ['static', 'dynamic'],
  ['absolute', 'relative'], ['temporary', 'permanent'], ['inclusive', 'exclusive'], ['increment', 'decrement'],
  ['aktivieren', 'deaktivieren'], ['aktiviert', 'deaktiviert'], ['activer', 'désactiver'], ['activé', 'désactivé'],
];

/** stem -> the stems of its antonyms. */
export const ANTONYMS: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let set = map.get(a);
    if (!set) map.set(a, (set = new Set()));
    set.add(b);
  };
  for (const [a, b] of ANTONYM_PAIRS) {
    link(lightStem(a), lightStem(b));
    link(lightStem(b), lightStem(a));
  }
  return map;
})();
