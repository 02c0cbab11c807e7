/**
 * The variables a prompt template sees: Vectara's documented prompt variables, built from our own
 * generation inputs. Everything is a fresh copy, so a template calling `$map.put(…)` or
 * `$list.add(…)` changes nothing outside its own rendering.
 */
import type { ChatMessage, GroundingResult, PriorTurn } from '../types.js';
import { EscapeTool, escapeJava } from './escape.js';
import { ordinalWords } from './ordinals.js';
import { TemplateObject, isPlainObject, readIndex } from './sandbox.js';

export interface PromptContext {
  query: string;
  /** In citation order: `[N]` in the answer cites `results[N - 1]`. */
  results: GroundingResult[];
  /** The answer's language, already resolved from 'auto' (see languages.ts). */
  language: { code: string; name: string };
  /** Rough target length of the answer in characters (`max_response_characters`). */
  outChars?: number;
  /** Earlier turns of the chat, oldest first. */
  history?: PriorTurn[];
}

/**
 * 'raw' hands templates the text as it is. 'json-escaped' hands them every string already escaped
 * for a JSON string literal: the fallback for templates that put `"${qResult.getText()}"` into
 * JSON without `$esc.java` (as Vectara's own examples do), see render.ts.
 */
export type TextMode = 'raw' | 'json-escaped';

/**
 * Document or part metadata, as `$qResult.docMetadata()` returns it. Vectara documents that an
 * unknown key gives an empty value, so `get` of a missing (or null) key is '' rather than null;
 * `present()` tells whether there is any metadata at all. Prints as JSON.
 */
export class MetadataMap extends TemplateObject {
  readonly #data: Record<string, unknown>;

  constructor(data: Record<string, unknown>) {
    super();
    this.#data = data;
  }

  protected methods() {
    const data = this.#data;
    const get = (key: unknown): unknown => readIndex(data, key) ?? '';
    return {
      get: ([key]: readonly unknown[]) => get(key),
      containsKey: ([key]: readonly unknown[]) => Object.hasOwn(data, String(key)),
      keySet: () => Object.keys(data),
      values: () => Object.values(data),
      size: () => Object.keys(data).length,
      isEmpty: () => Object.keys(data).length === 0,
      present: () => Object.keys(data).length > 0,
    };
  }

  /** `$meta.title` reads the key, as Velocity does for maps (even a key named "size"). */
  override property(name: string): unknown {
    return this.invoke('get', [name]);
  }

  override index(key: unknown): unknown {
    return this.invoke('get', [key]);
  }

  toString(): string {
    return JSON.stringify(this.#data);
  }
}

/** One search result, as an item of `$vectaraQueryResults`. */
export class ResultView extends TemplateObject {
  readonly #methods;
  readonly #text: string;

  constructor(result: GroundingResult, wrap: (text: string) => string) {
    super();
    const text = wrap(result.text);
    const documentId = wrap(result.document_id);
    const docMetadata = new MetadataMap(copyData(result.document_metadata, wrap));
    const partMetadata = new MetadataMap(copyData(result.part_metadata, wrap));
    this.#text = text;
    // Vectara documents getText()/text(), docMetadata() and partMetadata(); the get* forms make
    // the property syntax ($qResult.text, $qResult.docMetadata.title) resolve too.
    this.#methods = {
      getText: () => text,
      text: () => text,
      getDocumentId: () => documentId,
      getScore: () => result.score,
      score: () => result.score,
      docMetadata: () => docMetadata,
      getDocMetadata: () => docMetadata,
      partMetadata: () => partMetadata,
      getPartMetadata: () => partMetadata,
    };
  }

  protected methods() {
    return this.#methods;
  }

  toString(): string {
    return this.#text;
  }
}

/** Deep copy of JSON-like data, every string passed through `wrap`; anything else is dropped. */
function copyData(value: unknown, wrap: (text: string) => string): Record<string, unknown> {
  const copy = (v: unknown): unknown => {
    if (typeof v === 'string') return wrap(v);
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    if (Array.isArray(v)) return v.map(copy);
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        Object.defineProperty(out, key, { value: copy(item), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return undefined;
  };
  const copied = copy(value);
  return isPlainObject(copied) ? copied : {};
}

/**
 * The template's variables. The returned object has no prototype, so `$toString` or
 * `$constructor` are unknown variables like any other.
 */
export function buildScope(ctx: PromptContext, mode: TextMode): Record<string, unknown> {
  const preEscaped = new Set<string>();
  const wrap =
    mode === 'raw'
      ? (text: string): string => text
      : (text: string): string => {
          const escaped = escapeJava(text);
          preEscaped.add(escaped);
          return escaped;
        };
  const history: ChatMessage[] = (ctx.history ?? []).flatMap((turn) => [
    { role: 'user', content: wrap(turn.query) },
    { role: 'assistant', content: wrap(turn.answer) },
  ]);
  const scope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  Object.assign(scope, {
    vectaraQuery: wrap(ctx.query),
    vectaraQueryResults: ctx.results.map((r) => new ResultView(r, wrap)),
    vectaraIdxWord: ordinalWords(ctx.results.length),
    vectaraLangCode: wrap(ctx.language.code),
    vectaraLangName: wrap(ctx.language.name),
    // Vectara lists this variable ("history of turns within a chat conversation") without
    // documenting its shape; ours is the earlier turns as messages, oldest first.
    vectaraChatHistory: history.map((m) => ({ role: m.role, content: m.content })),
    esc: new EscapeTool(preEscaped),
  });
  // Left unset when there is no target length, so `#if($vectaraOutChars)` can test for it.
  if (ctx.outChars !== undefined) scope.vectaraOutChars = ctx.outChars;
  return scope;
}
