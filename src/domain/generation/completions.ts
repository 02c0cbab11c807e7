import { randomBytes } from 'node:crypto';
import { EXTRACTIVE_LLM_NAME } from '../../generation/extractive/summariser.js';
import { LlmError, type ChatMessage, type GroundingResult, type LanguageModel } from '../../generation/types.js';
import { badRequest, invalidField } from '../errors.js';
import { resolveLanguage } from '../../generation/languages.js';
import { llmFailure } from './failures.js';
import type { LlmService } from './llms.js';
import { uncitedText } from './uncited.js';

export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  [other: string]: unknown;
}

type Json = Record<string, unknown>;

/** What a model this server runs itself reads per request: its work grows with the conversation. */
const MAX_LOCAL_CHARS = 200_000;

/**
 * `POST /v2/llms/chat/completions`, OpenAI's chat-completions protocol. A registered remote LLM
 * gets the request passed through (its configured model substituted). A local model (the built-in
 * summariser, a configured GGUF model) answers in the same shapes: the summariser replies to the
 * last user message with sentences quoted from the other messages (the context an application put
 * in the conversation), without citation markers: this protocol has no place for them.
 */
export interface PreparedCompletion {
  complete(signal?: AbortSignal): Promise<Json>;
  /** Chunk objects in OpenAI's streaming shape; the route frames them and adds `[DONE]`. */
  stream(signal: AbortSignal): AsyncGenerator<Json>;
}

export class ChatCompletions {
  constructor(private readonly llms: LlmService) {}

  /** Resolves the model first, so that an unknown or unsuitable one is a 400 even when streaming. */
  async prepare(req: CompletionRequest): Promise<PreparedCompletion> {
    if (!this.llms.isLocal(req.model)) {
      const remote = await this.llms.remote(req.model, 'model', { proxy: true });
      return {
        complete: async (signal) => {
          try {
            return { ...(await remote.complete(req, signal)), model: req.model };
          } catch (err) {
            throw proxyFailure(err);
          }
        },
        stream: async function* (signal) {
          try {
            for await (const chunk of remote.stream(req, signal)) yield { ...chunk, model: req.model };
          } catch (err) {
            throw proxyFailure(err);
          }
        },
      };
    }
    const model = await this.llms.model(req.model, 'model');
    const chars = req.messages.reduce((n, m) => n + m.content.length, 0);
    if (chars > MAX_LOCAL_CHARS) throw invalidField('messages', `hold ${chars} characters; a model run by this server reads at most ${MAX_LOCAL_CHARS}`);
    const answer = (signal?: AbortSignal) => this.localAnswer(model, req, signal);
    return {
      complete: async (signal) => {
        let content = '';
        for await (const piece of answer(signal)) content += piece;
        return {
          id: completionId(),
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: req.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        };
      },
      stream: async function* (signal) {
        const id = completionId();
        const created = Math.floor(Date.now() / 1000);
        const chunk = (delta: Json, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model: req.model, choices: [{ index: 0, delta, finish_reason: finish }] });
        yield chunk({ role: 'assistant', content: '' }, null);
        for await (const piece of answer(signal)) yield chunk({ content: piece }, null);
        yield chunk({}, 'stop');
      },
    };
  }

  private async *localAnswer(model: LanguageModel, req: CompletionRequest, signal?: AbortSignal): AsyncGenerator<string> {
    const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
    const query = lastUser >= 0 ? req.messages[lastUser]!.content : '';
    // The summariser quotes the other messages; a generative model reads the conversation itself.
    const extractive = model.name === EXTRACTIVE_LLM_NAME;
    const results: GroundingResult[] = extractive
      ? req.messages
          .filter((_, i) => i !== lastUser)
          .filter((m) => m.content.trim())
          .map((m) => ({ text: m.content, document_id: m.role, document_metadata: {}, part_metadata: {}, score: 1 }))
      : [];
    const { model: _name, messages: _messages, stream: _stream, ...modelParameters } = req;
    let first = true;
    for await (const piece of uncitedText(model, {
      query,
      results,
      messages: req.messages,
      history: [],
      language: (await resolveLanguage('auto', query)).code,
      modelParameters: extractive ? {} : modelParameters,
      ...(signal ? { signal } : {}),
    })) {
      // The summariser separates sentences with a leading space; a reply does not start with one.
      const text = first ? piece.trimStart() : piece;
      if (!text) continue;
      first = false;
      yield text;
    }
  }
}

/**
 * A passthrough's failure: what the upstream refused for the request's own sake (a 4xx other than
 * its rate limit) is the client's 400, with the upstream's reason; the rest is ours to report.
 */
function proxyFailure(err: unknown): unknown {
  if (err instanceof LlmError && err.failure === 'rejected' && err.upstreamStatus !== undefined && err.upstreamStatus < 500) {
    return badRequest(`The LLM refused the request: ${err.message}`);
  }
  return llmFailure(err);
}

const completionId = () => `chatcmpl-${randomBytes(12).toString('base64url')}`;
