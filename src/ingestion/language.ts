type Detector = (typeof import('eld/extrasmall'))['eld'];

let detector: Promise<Detector> | undefined;

/**
 * eld with its smallest database, loaded on first use: the load takes ~0.6 s and ~85 MB, which
 * processes that never detect a language (the CLI's key and user commands, a query-only server)
 * should not pay. On sentences in its 60 languages it was right as often as 'small' and 'medium'
 * but for one Kurdish sentence read as Persian, and it names all 1,022 manpages English; it loads
 * in half the time of 'medium' and adds under half the memory.
 */
const loadDetector = (): Promise<Detector> =>
  (detector ??= import('eld/extrasmall').then(
    (m) => m.eld,
    (err: unknown) => {
      detector = undefined; // a failed load is tried again by the next call, not kept
      throw err;
    },
  ));

/**
 * eld's languages, ISO 639-1 as it names them, to the ISO 639-3 codes `part.lang` and the API's
 * `Language` enum use. Where 639-3 has a macrolanguage it is the one used (zho, ara, fas, msa,
 * aze, est, kur, lav, nor, ori, sqi), as the enum does for Chinese, Arabic, Persian and Malay.
 *
 * eld has no Indonesian: Indonesian text comes out as Malay ('msa'), its close relative. Its
 * Kurdish is the Arabic-script (Sorani) kind and its Serbian the Cyrillic; Latin-script Serbian
 * reads as Croatian.
 */
const ISO_639_3: Readonly<Record<string, string>> = {
  am: 'amh', ar: 'ara', az: 'aze', be: 'bel', bg: 'bul', bn: 'ben', ca: 'cat', cs: 'ces',
  da: 'dan', de: 'deu', el: 'ell', en: 'eng', es: 'spa', et: 'est', eu: 'eus', fa: 'fas',
  fi: 'fin', fr: 'fra', gu: 'guj', he: 'heb', hi: 'hin', hr: 'hrv', hu: 'hun', hy: 'hye',
  is: 'isl', it: 'ita', ja: 'jpn', ka: 'kat', kn: 'kan', ko: 'kor', ku: 'kur', lo: 'lao',
  lt: 'lit', lv: 'lav', ml: 'mal', mr: 'mar', ms: 'msa', nl: 'nld', no: 'nor', or: 'ori',
  pa: 'pan', pl: 'pol', pt: 'por', ro: 'ron', ru: 'rus', sk: 'slk', sl: 'slv', sq: 'sqi',
  sr: 'srp', sv: 'swe', ta: 'tam', te: 'tel', th: 'tha', tl: 'tgl', tr: 'tur', uk: 'ukr',
  ur: 'urd', vi: 'vie', yo: 'yor', zh: 'zho',
};

const toIso6393 = (code: string): string | undefined => (Object.hasOwn(ISO_639_3, code) ? ISO_639_3[code] : undefined);

/**
 * Every code detectLanguage can return. A language of eld's missing from the table above (after
 * an upgrade) shows here by its two-letter code, and detectLanguage never returns it.
 */
export async function detectableLanguages(): Promise<string[]> {
  return Object.values((await loadDetector()).info().Languages).map((c) => toIso6393(c) ?? c);
}

/** Shorter texts are not judged at all: a few words fit several languages. */
const MIN_CHARS = 20;
/**
 * eld reads at most ~350 bytes of letters and spaces (it drops digits and punctuation first), so
 * more text adds cost, not accuracy. 600 characters still fill that window when a lead is heavy
 * with option names, paths or numbers, and cutting to 400 would save only a few per cent.
 */
const LEAD_CHARS = 600;

/**
 * The language of a text as an ISO 639-3 code ('eng', 'deu'…), the form `part.lang` uses in
 * filters, or undefined when the text is too short or unclear to tell. Detected once per document
 * from its first few hundred characters: per-part detection on short parts is unreliable.
 * "Unclear" is eld's own judgement (isReliable): a winner that scores low or barely ahead of the
 * runner-up, which is also what text in a language eld does not know (Hausa, Swahili…) gives.
 */
export async function detectLanguage(text: string): Promise<string | undefined> {
  if (text.trim().length < MIN_CHARS) return undefined;
  const result = (await loadDetector()).detect(text.slice(0, LEAD_CHARS));
  return result.language !== '' && result.isReliable() ? toIso6393(result.language) : undefined;
}
