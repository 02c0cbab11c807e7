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
 * `auto` or no language: detected from `text` (the query, or what is being summarised), falling
 * back to English when the text is too short or unclear, or its language is not one of the enum's.
 * An explicit code is used as given; its name is the code itself if we do not know the language.
 */
export function resolveLanguage(requested: string | undefined, text: string): ResolvedLanguage {
  if (requested !== undefined && requested !== 'auto') {
    return { code: requested, name: isLanguageCode(requested) ? LANGUAGE_NAMES[requested] : requested };
  }
  const detected = detectLanguage(text);
  if (detected === undefined) return FALLBACK;
  const code = Object.hasOwn(DETECTED_ALIASES, detected) ? DETECTED_ALIASES[detected]! : detected;
  return isLanguageCode(code) ? { code, name: LANGUAGE_NAMES[code] } : FALLBACK;
}
