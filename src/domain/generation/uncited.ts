import { createCitationFormatter } from '../../generation/citations.js';
import type { GenerationInput, LanguageModel } from '../../generation/types.js';
import { llmFailure } from './failures.js';

/**
 * A model's answer without citation markers, chunk by chunk: for texts that describe one thing
 * (a document summary, a table description) where every citation would point at the same place.
 * Model failures arrive as QuarryErrors (llmFailure); after an abort it just ends.
 */
export async function* uncitedText(model: LanguageModel, input: GenerationInput): AsyncGenerator<string> {
  const uncited = createCitationFormatter({ style: 'none' }, input.results);
  try {
    for await (const chunk of model.generate(input)) {
      if (input.signal?.aborted) return;
      const text = uncited.push(chunk);
      if (text) yield text;
    }
  } catch (err) {
    if (input.signal?.aborted) return;
    throw llmFailure(err);
  }
  const tail = uncited.end();
  if (tail) yield tail;
}
