/**
 * Names of the encoders a corpus can be created with. The built-in encoder itself arrives with
 * indexing; the foundation only needs to know which names are valid.
 */
export const BUILT_IN_ENCODER = 'quarry-static-glove-100d';

/** Vectara's published encoder name, accepted so client code written for Vectara runs unchanged. */
export const VECTARA_ENCODER_ALIASES: Record<string, string> = {
  'boomerang-2023-q3': BUILT_IN_ENCODER,
};

/** The deprecated `encoder_id` of Vectara's default encoder. */
export const LEGACY_ENCODER_IDS: Record<string, string> = { enc_1: 'boomerang-2023-q3' };

