/**
 * Turns a generation input into what node-llama-cpp's `LlamaChat.generateResponse` takes: the chat
 * history and the sampling options. Pure; it uses the library's types only, so importing it never
 * loads node-llama-cpp.
 *
 * Parameter mapping (anything else in `modelParameters` is ignored):
 *   max_tokens         → maxTokens (default 512)
 *   temperature        → temperature (default 0.8, llama.cpp's own default; 0 is greedy decoding)
 *   top_p, top_k, seed → topP, topK, seed (seed makes sampling at a temperature above 0 repeatable)
 *   frequency_penalty, presence_penalty → the same penalties of the library's repeat penalty,
 *                        which otherwise keeps its defaults (×1.1 over the last 64 tokens);
 *                        llama.cpp only lowers probabilities, so values ≤ 0 are left out
 */
import type { ChatHistoryItem, LLamaChatGenerateResponseOptions, LLamaContextualRepeatPenalty } from 'node-llama-cpp';
import type { ChatMessage, ModelParameters } from '../../generation/types.js';

export const DEFAULT_MAX_TOKENS = 512;
export const DEFAULT_TEMPERATURE = 0.8;

/**
 * The messages as a chat history: `system` and `developer` are system messages, `assistant` is a
 * model reply, every other role is the user's. The library then appends the empty model reply it
 * generates into.
 */
export function chatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  return messages.map((m): ChatHistoryItem => {
    if (m.role === 'system' || m.role === 'developer') return { type: 'system', text: m.content };
    if (m.role === 'assistant') return { type: 'model', response: [m.content] };
    return { type: 'user', text: m.content };
  });
}

export type SamplingOptions = Pick<
  LLamaChatGenerateResponseOptions,
  'maxTokens' | 'temperature' | 'topP' | 'topK' | 'seed' | 'repeatPenalty'
>;

export function samplingOptions(params: ModelParameters): SamplingOptions {
  const options: SamplingOptions = {
    maxTokens: positiveInteger(params.max_tokens) ?? DEFAULT_MAX_TOKENS,
    temperature: nonNegative(params.temperature) ?? DEFAULT_TEMPERATURE,
  };
  const topP = nonNegative(params.top_p);
  if (topP !== undefined) options.topP = Math.min(topP, 1);
  const topK = positiveInteger(params.top_k);
  if (topK !== undefined) options.topK = topK;
  const seed = nonNegative(params.seed);
  if (seed !== undefined) options.seed = Math.floor(seed);
  const penalty: LLamaContextualRepeatPenalty = {};
  const frequency = positive(params.frequency_penalty);
  if (frequency !== undefined) penalty.frequencyPenalty = frequency;
  const presence = positive(params.presence_penalty);
  if (presence !== undefined) penalty.presencePenalty = presence;
  if (Object.keys(penalty).length) options.repeatPenalty = penalty;
  return options;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
function positiveInteger(value: unknown): number | undefined {
  const n = positive(value);
  return n === undefined || n < 1 ? undefined : Math.floor(n);
}
