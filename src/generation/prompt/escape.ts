/**
 * The `$esc` tool of prompt templates (Velocity's EscapeTool). Vectara templates build a JSON
 * array of messages, so `$esc.java($text)` is what keeps a result containing quotes, backslashes
 * or newlines from breaking it.
 */
import { TemplateObject } from './sandbox.js';

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Escapes for a Java (and JSON) string literal: quote, backslash and control characters. Unlike
 * Apache's escapeJava, non-ASCII text is left as it is: JSON allows it, and rendered prompts stay
 * readable in languages other than English.
 */
export function escapeJava(text: string): string {
  return text.replace(/["\\\u0000-\u001f]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For a JavaScript string in either quote style: also `'` and `/` (so `</script>` stays inert). */
export function escapeJavaScript(text: string): string {
  return escapeJava(text).replace(/['/]/g, (c) => `\\${c}`);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

export class EscapeTool extends TemplateObject {
  // ES private fields throughout the template objects: `#set($esc.x = …)` in a template creates
  // an ordinary property and cannot replace them.
  readonly #methods;

  /**
   * @param preEscaped strings already escaped for a JSON string, which the string-literal escapes
   *   pass through unchanged instead of escaping twice (see the second pass in render.ts).
   */
  constructor(preEscaped: ReadonlySet<string> = new Set()) {
    super();
    const escaper =
      (escape: (s: string) => string, literal: boolean) =>
      (args: readonly unknown[]): string | undefined => {
        const [value] = args;
        if (value === undefined || value === null) return undefined;
        const text = String(value);
        return literal && preEscaped.has(text) ? text : escape(text);
      };
    this.#methods = {
      java: escaper(escapeJava, true),
      json: escaper(escapeJava, true),
      javascript: escaper(escapeJavaScript, true),
      html: escaper(escapeHtml, false),
      xml: escaper(escapeHtml, false),
      url: escaper(encodeURIComponent, false),
    };
  }

  protected methods() {
    return this.#methods;
  }

  toString(): string {
    return '$esc';
  }
}
