/**
 * Builds encoders from their stored descriptions. A corpus records its encoder's name; the
 * encoders themselves are the built-in one plus those registered through `POST /v2/encoders`,
 * stored as an EncoderSpec and rebuilt here at start.
 */
import { BUILT_IN_ENCODER, VECTARA_ENCODER_ALIASES } from './catalog.js';
import { OnnxEncoder, type OnnxOptions, type OnnxSpec } from './onnx.js';
import { OpenAICompatibleEncoder, type OpenAICompatibleSpec, type RemoteOptions } from './openai-compatible.js';
import { StaticGloveEncoder } from './static-glove.js';
import type { Encoder } from './types.js';
import { EncoderError } from './types.js';

export type EncoderSpec =
  | { type: 'builtin'; name: string }
  | ({ type: 'openai-compatible' } & OpenAICompatibleSpec)
  | ({ type: 'onnx' } & OnnxSpec);

export interface EncoderFactoryOptions {
  /** Where the built-in encoder's converted table lives (default: generated/ in the package). */
  gloveBinaryPath?: string;
  remote?: RemoteOptions;
  onnx?: OnnxOptions;
}

/** The canonical name for `name`: Vectara's aliases (boomerang-2023-q3) map to the built-in. */
export function resolveEncoderName(name: string): string {
  return VECTARA_ENCODER_ALIASES[name] ?? name;
}

/**
 * An Encoder for a stored description. Nothing is loaded or contacted here: the built-in table
 * and ONNX sessions load on first embed, remote servers are called on first embed.
 */
export function createEncoder(spec: EncoderSpec, options: EncoderFactoryOptions = {}): Encoder {
  switch (spec.type) {
    case 'builtin': {
      const name = resolveEncoderName(spec.name);
      if (name !== BUILT_IN_ENCODER) throw new EncoderError(`unknown built-in encoder "${spec.name}"`);
      return new StaticGloveEncoder(options.gloveBinaryPath ? { path: options.gloveBinaryPath } : {});
    }
    case 'openai-compatible': {
      const { type: _type, ...rest } = spec;
      return new OpenAICompatibleEncoder(rest, options.remote);
    }
    case 'onnx': {
      const { type: _type, ...rest } = spec;
      return new OnnxEncoder(rest, options.onnx);
    }
    default:
      throw new EncoderError(`unknown encoder type "${(spec as { type?: unknown }).type}"`);
  }
}

/** The encoders that exist without configuration: the built-in static GloVe encoder. */
export function builtInEncoders(options: EncoderFactoryOptions = {}): Encoder[] {
  return [createEncoder({ type: 'builtin', name: BUILT_IN_ENCODER }, options)];
}

/**
 * The encoder's vector size, embedding one probe text if it is not known yet (remote encoders
 * without output_dimensions, ONNX models whose output shape is symbolic). Use when registering
 * an encoder or creating a corpus, so the size can be stored.
 */
export async function resolveDimensions(encoder: Encoder): Promise<number> {
  if (encoder.dimensions > 0) return encoder.dimensions;
  const [probe] = await encoder.embed(['dimension probe'], 'query');
  if (!probe?.length) throw new EncoderError(`encoder "${encoder.name}" returned no vector for a probe text`);
  return probe.length;
}
