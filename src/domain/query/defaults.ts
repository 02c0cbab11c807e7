import { BUILT_IN_ENCODER, VECTARA_ENCODER_ALIASES } from '../../providers/encoders/catalog.js';

/**
 * `lexical_interpolation` when a request does not set it, per encoder. The built-in static word
 * vectors rank far below BM25 on their own, so hybrid search leans on the lexical side; the value
 * is the best one measured on the manpages set (`npm run bench -- --only quality` prints the sweep).
 * Neural encoders (registered or ONNX) get Vectara's recommended light hybrid.
 */
export const BUILT_IN_LEXICAL_INTERPOLATION = 0.9;
export const NEURAL_LEXICAL_INTERPOLATION = 0.025;

export function defaultLexicalInterpolation(encoderName: string): number {
  const builtIn = encoderName === BUILT_IN_ENCODER || VECTARA_ENCODER_ALIASES[encoderName] !== undefined;
  return builtIn ? BUILT_IN_LEXICAL_INTERPOLATION : NEURAL_LEXICAL_INTERPOLATION;
}

/** Weight of the document title against the part text in BM25 (FTS5 column weights). */
export const TITLE_WEIGHT = 2;
