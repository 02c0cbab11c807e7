import { BUILT_IN_ENCODER, VECTARA_ENCODER_ALIASES } from '../../providers/encoders/catalog.js';

/**
 * `lexical_interpolation` when a request does not set it, per encoder. The built-in static word
 * vectors rank far below BM25 on their own, so hybrid search leans on the lexical side; the value
 * is the best one measured on the manpages set (`npm run bench -- --only quality` prints the sweep:
 * 0.827 at 0.5, 0.833 at 0.7 and 0.8, 0.834 at 0.9, 0.829 at 1, lexical alone).
 * Neural encoders (registered or ONNX) get Vectara's recommended light hybrid.
 */
export const BUILT_IN_LEXICAL_INTERPOLATION = 0.9;
export const NEURAL_LEXICAL_INTERPOLATION = 0.025;

export function defaultLexicalInterpolation(encoderName: string): number {
  const builtIn = encoderName === BUILT_IN_ENCODER || VECTARA_ENCODER_ALIASES[encoderName] !== undefined;
  return builtIn ? BUILT_IN_LEXICAL_INTERPOLATION : NEURAL_LEXICAL_INTERPOLATION;
}

/**
 * Weight of the document title against the part text in BM25 (FTS5 column weights). The title is
 * indexed with every part, so a heavier weight lets one title word outrank the text: on manpages
 * nDCG@10 of the default hybrid was 0.819 at 8, 0.823 at 4, 0.830 at 2, 0.834 at 1, 0.832 at 0.5.
 */
export const TITLE_WEIGHT = 1;
