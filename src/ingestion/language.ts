import { franc } from 'franc-min';

/**
 * The language of a text as an ISO 639-3 code ('eng', 'deu'…), the form `part.lang` uses in
 * filters, or undefined when the text is too short or unclear to tell. Detected once per document
 * from its first few thousand characters: per-part detection on short parts is unreliable.
 */
export function detectLanguage(text: string): string | undefined {
  const code = franc(text.slice(0, 4000), { minLength: 20 });
  return code === 'und' ? undefined : code;
}
