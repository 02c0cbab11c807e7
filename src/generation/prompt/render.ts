/**
 * Renders a Vectara prompt template (Apache Velocity) into the messages a language model receives.
 *
 * Contract: a template that does not parse, breaks a sandbox rule or exceeds a limit is the
 * client's mistake and becomes `invalidField(field, reason)` (HTTP 400); nothing here crashes
 * the request. Limits: the template at most MAX_TEMPLATE_CHARS, the rendered prompt at most
 * MAX_PROMPT_CHARS, plus the engine's step, range and nesting limits (velocity.ts).
 */
import { invalidField } from '../../domain/errors.js';
import type { ChatMessage } from '../types.js';
import { looksLikeJsonArray, parseMessages } from './messages.js';
import { type PromptContext, type TextMode, buildScope } from './scope.js';
import { TemplateError } from './sandbox.js';
import { DEFAULT_VELOCITY_LIMITS, type VelocityAst, parseTemplate, renderVelocity } from './velocity.js';

export { DEFAULT_PROMPT_TEMPLATE } from './default-template.js';
export type { PromptContext } from './scope.js';

export const MAX_TEMPLATE_CHARS = 64 * 1024;
export const MAX_PROMPT_CHARS = DEFAULT_VELOCITY_LIMITS.maxOutputChars;

export interface RenderedPrompt {
  /** The rendered template, as `rendered_prompt` reports it. */
  text: string;
  /** What the model receives: the JSON messages the template rendered, or the whole text as one user message. */
  messages: ChatMessage[];
}

/**
 * Renders `template` against `ctx`. When the output is a JSON array of `{role, content}` objects,
 * those are the messages; otherwise the whole text is a single `user` message.
 *
 * Vectara's own example templates insert text unescaped (`"content": "${qResult.getText()}"`),
 * which breaks the JSON as soon as a result contains a quote or a line break. When the first
 * rendering looks like a JSON array but is not valid, the template is rendered a second time with
 * every value pre-escaped for a JSON string (and `$esc.java` leaving those values alone, so
 * templates that do escape are not escaped twice). If that gives valid messages they are used;
 * otherwise the first rendering stands, as one user message.
 */
export function renderPrompt(template: string, ctx: PromptContext, field = 'generation.prompt_template'): RenderedPrompt {
  if (template.length > MAX_TEMPLATE_CHARS) {
    throw invalidField(field, `the template is ${template.length} characters long; at most ${MAX_TEMPLATE_CHARS} are allowed`);
  }
  let ast: VelocityAst;
  try {
    ast = parseTemplate(template);
  } catch (err) {
    throw invalidField(field, `the template is not valid Velocity: ${describeParseError(err)}`);
  }
  const text = render(ast, ctx, 'raw', field);
  const messages = parseMessages(text);
  if (messages) return { text, messages };
  if (looksLikeJsonArray(text)) {
    try {
      const escapedText = render(ast, ctx, 'json-escaped', field);
      const repaired = parseMessages(escapedText);
      if (repaired) return { text: escapedText, messages: repaired };
    } catch {
      // The second pass is a repair attempt only; the first rendering stands.
    }
  }
  return { text, messages: [{ role: 'user', content: text }] };
}

function render(ast: VelocityAst, ctx: PromptContext, mode: TextMode, field: string): string {
  try {
    return renderVelocity(ast, buildScope(ctx, mode));
  } catch (err) {
    if (err instanceof TemplateError) throw invalidField(field, err.message);
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw invalidField(field, 'the template nests or recurses too deeply');
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw invalidField(field, `the template failed to render: ${reason}`);
  }
}

/**
 * velocityjs's parse errors span several lines (an excerpt, a caret, then every token the grammar
 * would accept); the client gets one line: where, what was found (and what was expected, when
 * that list is short enough to help), and the excerpt.
 */
function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message.split('\n').map((line) => line.trim());
  const where = /Parse error on line (\d+)/.exec(message)?.[1];
  const expecting = /Expecting (.*), got (.*)$/m.exec(message);
  if (!where || !expecting) return lines.filter(Boolean).join(' ');
  const expected = expecting[1]!.split(', ');
  const excerpt = lines[1] && !lines[1].startsWith('-') ? ` near "${lines[1]}"` : '';
  const wanted = expected.length <= 6 ? ` (expected ${expected.join(' or ')})` : '';
  return `line ${where}: unexpected ${expecting[2]}${wanted}${excerpt}`;
}
