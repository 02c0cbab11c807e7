/**
 * A local GGUF model as a Quarry LLM, run on the CPU by llama.cpp through node-llama-cpp, offline.
 *
 * Contract:
 * - Nothing is loaded until the first `generate` (or `load`). Then the file is checked, the library
 *   imported and the model loaded with one context of `parallel` sequences (gguf-loader.ts), once;
 *   every later call reuses them. A failed load is an LlmError('rejected') naming the model and the
 *   file's base name, and the next call tries again.
 * - Each `generate` takes a sequence of the context for itself, waiting its turn when all are busy,
 *   and gives it back cleared when it ends: normally, on failure, on abort, or when the consumer
 *   stops iterating.
 * - `generate` renders `input.messages` in the model's chat format and yields the reply as llama.cpp
 *   writes it (text produced while the consumer was busy arrives joined). `modelParameters` map as
 *   gguf-request.ts describes (max_tokens default 512).
 * - Aborting `input.signal` stops evaluation before the next token and ends the call with
 *   LlmError('aborted'), like the remote LLM client: no chunk follows the abort, whether it comes
 *   while waiting for the model, for a sequence, or during generation. A consumer that stops
 *   iterating stops generation too, and nothing is thrown.
 * - A prompt that does not fit in the context is an LlmError('rejected'), before any output; any
 *   other failure during generation is an LlmError('upstream').
 * - `close()` ends running generations with LlmError('aborted'), waits until they have let go, and
 *   disposes of the context, the model and the llama.cpp binding. Later calls are LlmError('rejected').
 */
import type { ChatHistoryItem, LlamaChat, LlamaContextSequence } from 'node-llama-cpp';
import type { GenerationInput, LanguageModel } from '../../generation/types.js';
import { LlmError } from '../../generation/types.js';
import { loadGguf, parallelOf, type GgufSpec, type LoadedGguf } from './gguf-loader.js';
import { chatHistory, samplingOptions } from './gguf-request.js';
import { Slots } from './slots.js';
import { TextQueue } from './text-queue.js';

export type { GgufSpec } from './gguf-loader.js';

export class GgufLlm implements LanguageModel {
  readonly name: string;
  private readonly slots: Slots;
  private readonly closing = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private loading: Promise<LoadedGguf> | undefined;
  private ready: LoadedGguf | undefined;
  private closed = false;

  constructor(private readonly spec: GgufSpec) {
    this.name = spec.name;
    this.slots = new Slots(parallelOf(spec));
  }

  /** Loads the model now instead of on the first generation (to fail early, or to warm up). */
  async load(): Promise<void> {
    await this.loaded();
  }

  /** The name of the chat format in use ('ChatML', 'JinjaTemplate', 'General', …), once loaded. */
  get chatFormat(): string | undefined {
    return this.ready?.chatWrapper.wrapperName;
  }

  async *generate(input: GenerationInput): AsyncGenerator<string> {
    if (this.closed) throw this.closedError();
    // The call's own signal: it aborts with the caller's or on close(). (Listeners rather than
    // AbortSignal.any, which Node 20 only has from 20.3.)
    const call = new AbortController();
    const abortCall = () => call.abort();
    const sources = [input.signal, this.closing.signal].filter((s): s is AbortSignal => s !== undefined);
    for (const source of sources) source.addEventListener('abort', abortCall, { once: true });
    if (sources.some((source) => source.aborted)) call.abort();
    try {
      yield* this.stream(input, call.signal);
    } finally {
      for (const source of sources) source.removeEventListener('abort', abortCall);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    await Promise.all(this.running);
    const loading = this.loading;
    this.loading = undefined;
    this.ready = undefined;
    const loaded = await loading?.catch(() => undefined);
    await loaded?.dispose();
  }

  private async *stream(input: GenerationInput, signal: AbortSignal): AsyncGenerator<string> {
    const aborted = () =>
      new LlmError('aborted', this.closing.signal.aborted ? `llm "${this.name}": closed while generating` : `llm "${this.name}": generation aborted`);
    const loaded = await untilAborted(this.loaded(), signal, aborted);
    const release = await this.slots.acquire(signal, aborted);

    // From here `evaluation` owns the slot: it runs apart from this generator, so an abort or
    // close() stops it and frees the sequence even while the consumer is not pulling.
    const queue = new TextQueue();
    const stop = new AbortController();
    const evaluation = this.evaluate(loaded, input, queue, stop.signal).finally(release);
    this.running.add(evaluation);
    void evaluation.finally(() => this.running.delete(evaluation));
    const onAbort = () => {
      queue.discard(); // nothing produced after the abort reaches the consumer
      stop.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      yield* queue.pieces();
    } catch (err) {
      if (signal.aborted) throw aborted();
      throw err instanceof LlmError ? err : new LlmError('upstream', `llm "${this.name}": generation failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
      stop.abort(); // a no-op after a normal end; stops the evaluation when the consumer stopped iterating
      await evaluation;
    }
    if (signal.aborted) throw aborted();
  }

  /**
   * One reply on a sequence of its own, pushed into `queue` as it is written; the queue then ends,
   * with the failure if there was one. Never rejects; the sequence is cleared and given back last.
   */
  private async evaluate(loaded: LoadedGguf, input: GenerationInput, queue: TextQueue, stop: AbortSignal): Promise<void> {
    let sequence: LlamaContextSequence | undefined;
    let chat: LlamaChat | undefined;
    try {
      const history = chatHistory(input.messages);
      sequence = loaded.context.getSequence();
      this.checkPromptFits(loaded, history, sequence.contextSize);
      chat = new loaded.lib.LlamaChat({ contextSequence: sequence, chatWrapper: loaded.chatWrapper });
      // Once `stop` aborts, the library stops before the next token; with stopOnAbortSignal it
      // then resolves instead of throwing, and generate() reports the abort from its own signal.
      await chat.generateResponse(history, {
        ...samplingOptions(input.modelParameters),
        signal: stop,
        stopOnAbortSignal: true,
        onTextChunk: (text) => queue.push(text),
      });
      queue.end();
    } catch (error) {
      queue.end({ error });
    } finally {
      chat?.dispose({ disposeSequence: false });
      await sequence?.dispose().catch(() => undefined);
    }
  }

  /**
   * A prompt longer than the context is refused: the library would otherwise drop its start to make
   * room (a context shift), silently losing the instructions or search results the answer needs.
   * When the reply itself outgrows the context, the library does shift, dropping the oldest tokens.
   */
  private checkPromptFits(loaded: LoadedGguf, history: ChatHistoryItem[], contextSize: number): void {
    const rendered = loaded.chatWrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] });
    const tokens = rendered.contextText.tokenize(loaded.model.tokenizer).length;
    if (tokens >= contextSize) {
      throw new LlmError('rejected', `llm "${this.name}": the prompt has ${tokens} tokens, which does not fit in the context size of ${contextSize}`);
    }
  }

  private loaded(): Promise<LoadedGguf> {
    if (this.closed) return Promise.reject(this.closedError());
    this.loading ??= loadGguf(this.spec).then(
      (loaded) => {
        if (!this.closed) this.ready = loaded;
        return loaded;
      },
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }

  private closedError(): LlmError {
    return new LlmError('rejected', `llm "${this.name}" is closed`);
  }
}

/** `promise`, unless `signal` aborts first: then `aborted()` (the promise itself carries on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, aborted: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
