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
 * Individual-language codes for languages the enum names by their macrolanguage: Mandarin for
 * Chinese, Iranian Persian and Dari for Persian, Standard Arabic for Arabic, Malay variants for
 * Malay. The detector itself now answers with the macrolanguage, but a fallback comes from stored
 * `part.lang` values: those given by users, and those detected by franc, which indexing used
 * before and which answered 'cmn', 'pes', 'arb' and 'zlm'.
 */
const INDIVIDUAL_TO_MACRO: Readonly<Record<string, LanguageCode>> = {
  cmn: 'zho',
  pes: 'fas',
  prs: 'fas',
  arb: 'ara',
  zlm: 'msa',
  zsm: 'msa',
};

const isLanguageCode = (code: string): code is LanguageCode => Object.hasOwn(LANGUAGE_NAMES, code);

/**
 * Below this many characters of Latin script a detected language is a guess: "compute password
 * hashes" reads as Italian to the detector. Of the manpages' English queries 25 came out as another
 * language, none longer than 45 characters. Other scripts say much more per character (a few Han
 * or Cyrillic characters settle it), so they need fewer.
 */
export const MIN_DETECTION_CHARS = 60;
const MIN_OTHER_SCRIPT_CHARS = 10;
const OTHER_SCRIPT = /[^\p{Script=Latin}\p{P}\p{N}\p{S}\s]/gu;

/** ISO 639-3's code for a language that cannot be determined. */
export const UNDETERMINED = 'und';

/**
 * The language of a text when it is long enough to tell, else undefined. Text long enough whose
 * language the detector cannot name (one it does not know, such as Swahili) is UNDETERMINED: a
 * language all the same, which callers that support a list of languages refuse.
 */
export async function confidentLanguage(text: string): Promise<string | undefined> {
  const enough = text.trim().length >= MIN_DETECTION_CHARS || (text.match(OTHER_SCRIPT)?.length ?? 0) >= MIN_OTHER_SCRIPT_CHARS;
  return enough ? ((await detectLanguage(text)) ?? UNDETERMINED) : undefined;
}

const named = (code: string): ResolvedLanguage | undefined => {
  const canonical = Object.hasOwn(INDIVIDUAL_TO_MACRO, code) ? INDIVIDUAL_TO_MACRO[code]! : code;
  return isLanguageCode(canonical) ? { code: canonical, name: LANGUAGE_NAMES[canonical] } : undefined;
};

/**
 * `auto` or no language: detected from `text` (the query, or what is being summarised) when it is
 * long enough to tell; otherwise `fallback` (for example the language of the search results the
 * answer uses), then English. An explicit code is used as given; its name is the code itself if we
 * do not know the language.
 */
export async function resolveLanguage(requested: string | undefined, text: string, fallback?: string): Promise<ResolvedLanguage> {
  if (requested !== undefined && requested !== 'auto') {
    return { code: requested, name: isLanguageCode(requested) ? LANGUAGE_NAMES[requested] : requested };
  }
  const detected = await confidentLanguage(text);
  return (detected ? named(detected) : undefined) ?? (fallback ? named(fallback) : undefined) ?? FALLBACK;
}
