/**
 * Reading a rendered prompt as chat messages. Vectara templates render a JSON array of
 * `{"role", "content"}` objects; anything else is a plain-text prompt.
 */
import type { ChatMessage } from '../types.js';

/**
 * The messages in `text` when it is a non-empty JSON array of objects with string `role` and
 * `content` (and optionally a string `name`; other fields are ignored); otherwise undefined.
 * A comma before a closing bracket is tolerated: loops that emit `{…},` per item leave one
 * behind the last item, and the intent is unambiguous.
 */
export function parseMessages(text: string): ChatMessage[] | undefined {
  if (!looksLikeJsonArray(text)) return undefined;
  const parsed = parseJson(text) ?? parseJson(withoutTrailingCommas(text));
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { role, content, name } = item as Record<string, unknown>;
    if (typeof role !== 'string' || typeof content !== 'string') return undefined;
    messages.push(typeof name === 'string' ? { role, content, name } : { role, content });
  }
  return messages;
}

/** Whether the text is meant as a JSON array (starts with `[` and ends with `]`). */
export function looksLikeJsonArray(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Drops commas that are followed (after whitespace) by `]` or `}`, outside strings. */
function withoutTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let next = i + 1;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      if (text[next] === ']' || text[next] === '}') continue;
    }
    out += c;
  }
  return out;
}
