/**
 * Response languages: the API's `Language` enum (ISO 639-3 codes, plus `auto`) and how a request's
 * `response_language` becomes the concrete language a prompt names ($vectaraLangCode,
 * $vectaraLangName).
 */
import { detectLanguage } from '../ingestion/language.js';

/** English names of the enum's languages, in the enum's order. */
export const LANGUAGE_NAMES = {
  eng: 'English',
  deu: 'German',
  fra: 'French',
  zho: 'Chinese',
  kor: 'Korean',
  ara: 'Arabic',
  rus: 'Russian',
  tha: 'Thai',
  nld: 'Dutch',
  ita: 'Italian',
  por: 'Portuguese',
  spa: 'Spanish',
  jpn: 'Japanese',
  pol: 'Polish',
  tur: 'Turkish',
  vie: 'Vietnamese',
  ind: 'Indonesian',
  ces: 'Czech',
  ukr: 'Ukrainian',
  ell: 'Greek',
  heb: 'Hebrew',
  fas: 'Persian',
  hin: 'Hindi',
  urd: 'Urdu',
  swe: 'Swedish',
  ben: 'Bengali',
  msa: 'Malay',
  ron: 'Romanian',
} as const satisfies Record<string, string>;

export type LanguageCode = keyof typeof LANGUAGE_NAMES;

/** Every value `response_language` accepts, for schema enums: `auto` then the languages. */
export const LANGUAGE_CODES = ['auto', ...(Object.keys(LANGUAGE_NAMES) as LanguageCode[])] as const;

export interface ResolvedLanguage {
  code: string;
  name: string;
}

const FALLBACK: ResolvedLanguage = { code: 'eng', name: LANGUAGE_NAMES.eng };

/**
 * The detector (franc) names some languages by an individual-language code where the enum uses the
 * macrolanguage: Mandarin for Chinese, Iranian Persian for Persian, Standard Arabic for Arabic,
 * Malay variants for Malay.
 */
const DETECTED_ALIASES: Readonly<Record<string, LanguageCode>> = {
  cmn: 'zho',
  pes: 'fas',
  prs: 'fas',
  arb: 'ara',
  zlm: 'msa',
  zsm: 'msa',
};

const isLanguageCode = (code: string): code is LanguageCode => Object.hasOwn(LANGUAGE_NAMES, code);

/**
 * Below this many characters of Latin script a detected language is a guess: "How do I extract
 * files?" reads as Portuguese to a trigram model. Other scripts say much more per character (a
 * few Han or Cyrillic characters settle it), so they need fewer.
 */
export const MIN_DETECTION_CHARS = 60;
const MIN_OTHER_SCRIPT_CHARS = 10;
const OTHER_SCRIPT = /[^\p{Script=Latin}\p{P}\p{N}\p{S}\s]/gu;

/** The language of a text when it is long enough to tell, else undefined. */
export function confidentLanguage(text: string): string | undefined {
  const enough = text.trim().length >= MIN_DETECTION_CHARS || (text.match(OTHER_SCRIPT)?.length ?? 0) >= MIN_OTHER_SCRIPT_CHARS;
  return enough ? detectLanguage(text) : undefined;
}

const named = (code: string): ResolvedLanguage | undefined => {
  const canonical = Object.hasOwn(DETECTED_ALIASES, code) ? DETECTED_ALIASES[code]! : code;
  return isLanguageCode(canonical) ? { code: canonical, name: LANGUAGE_NAMES[canonical] } : undefined;
};

/**
 * `auto` or no language: detected from `text` (the query, or what is being summarised) when it is
 * long enough to tell; otherwise `fallback` (for example the language of the search results the
 * answer uses), then English. An explicit code is used as given; its name is the code itself if we
 * do not know the language.
 */
export function resolveLanguage(requested: string | undefined, text: string, fallback?: string): ResolvedLanguage {
  if (requested !== undefined && requested !== 'auto') {
    return { code: requested, name: isLanguageCode(requested) ? LANGUAGE_NAMES[requested] : requested };
  }
  const detected = confidentLanguage(text);
  return (detected ? named(detected) : undefined) ?? (fallback ? named(fallback) : undefined) ?? FALLBACK;
}
