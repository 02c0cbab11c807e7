/**
 * Rewrites the `[N]` citation markers every generator emits (see types.ts) into the style the
 * client asked for (`generation.citations`):
 *   numeric   `[N]`, as written (a group `[1, 2]` becomes `[1][2]`);
 *   none      removed, without leaving a doubled space or a space before punctuation;
 *   markdown  `[text](url)`;
 *   html      `<a href="url">text</a>`, HTML-escaped.
 * `text_pattern` defaults to the number N and `url_pattern` to the empty string. Patterns take
 * `{doc.id}` (the document id), `{doc.<key>}` (document metadata) and `{part.<key>}` (part
 * metadata); a missing value is the empty string, and values substituted into `url_pattern` are
 * URL-encoded. Several citations in one group or in adjacent groups (`[1, 2]`, `[1,2]`, `[1][2]`)
 * are rendered one by one, joined by ", " in markdown and html.
 *
 * Numbers outside 1..results.length are dropped (a marker citing nothing left is removed as in
 * `none`). Brackets that are not citations (`[see below]`, `a[i]`) pass through unchanged.
 *
 * Default style: `numeric`. The API description lists the styles without naming a default; Vectara's
 * documentation of the citation format names NUMERIC as the default, and it is also what leaves
 * the generator's text unchanged.
 */
import type { GroundingResult } from './types.js';

export type CitationStyle = 'none' | 'numeric' | 'html' | 'markdown';

export interface CitationOptions {
  style?: CitationStyle;
  url_pattern?: string;
  text_pattern?: string;
}

export const DEFAULT_CITATION_STYLE: CitationStyle = 'numeric';

/**
 * A streaming rewriter. `push` takes the next chunk of generated text and returns what can be
 * emitted now; a marker split across chunks (`[` in one, `3]` in the next) is held back until it
 * is complete, and so is trailing whitespace (it may precede a marker that `none` removes).
 * `end` returns the rest. Joined, the outputs equal `formatCitations` of the joined input,
 * however the input was split.
 */
export interface CitationFormatter {
  push(chunk: string): string;
  end(): string;
}

export function createCitationFormatter(options: CitationOptions | undefined, results: readonly GroundingResult[]): CitationFormatter {
  const render = citationRenderer(options ?? {}, results);
  let pending = '';
  let lastEmitted = '';
  const step = (final: boolean): string => {
    const { out, rest } = rewrite(pending, final, render, lastEmitted);
    pending = rest;
    if (out) lastEmitted = out.charAt(out.length - 1);
    return out;
  };
  return {
    push(chunk: string): string {
      pending += chunk;
      return step(false);
    },
    end(): string {
      return step(true);
    },
  };
}

/** The whole text at once. */
export function formatCitations(text: string, options: CitationOptions | undefined, results: readonly GroundingResult[]): string {
  const formatter = createCitationFormatter(options, results);
  return formatter.push(text) + formatter.end();
}

// ---------------------------------------------------------------------------------------------
// Rendering one run of citation numbers

type RenderRun = (numbers: readonly number[]) => string;

function citationRenderer(options: CitationOptions, results: readonly GroundingResult[]): RenderRun {
  const style = options.style ?? DEFAULT_CITATION_STYLE;
  const textPattern = options.text_pattern;
  const urlPattern = options.url_pattern ?? '';
  const text = (n: number): string => (textPattern === undefined ? String(n) : substitute(textPattern, results[n - 1]!, false));
  const url = (n: number): string => substitute(urlPattern, results[n - 1]!, true);
  return (numbers) => {
    const valid = [...new Set(numbers)].filter((n) => n >= 1 && n <= results.length);
    if (valid.length === 0 || style === 'none') return '';
    switch (style) {
      case 'markdown':
        return valid.map((n) => `[${escapeMarkdownText(text(n))}](${escapeMarkdownUrl(url(n))})`).join(', ');
      case 'html':
        return valid.map((n) => `<a href="${escapeHtml(url(n))}">${escapeHtml(text(n))}</a>`).join(', ');
      default:
        return valid.map((n) => `[${n}]`).join('');
    }
  };
}

/** Fills `{doc.id}`, `{doc.<key>}` and `{part.<key>}`; other braces are left as written. */
function substitute(pattern: string, result: GroundingResult, forUrl: boolean): string {
  return pattern.replace(/\{(doc|part)\.([^{}]+)\}/g, (_, scope: string, key: string, at: number) => {
    const value =
      scope === 'doc' ? (key === 'id' ? result.document_id : metadataValue(result.document_metadata, key)) : metadataValue(result.part_metadata, key);
    if (!forUrl) return value;
    // A value that starts the URL is the URL itself (`{doc.url}`): only characters invalid in a
    // URL are escaped. Anywhere else it is one component (a path segment, a query value).
    return at === 0 ? encodeURI(value) : encodeURIComponent(value);
  });
}

function metadataValue(metadata: Record<string, unknown> | undefined, key: string): string {
  const value = metadata && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function escapeMarkdownText(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** Characters that would end or break a Markdown link destination. */
function escapeMarkdownUrl(url: string): string {
  return url.replace(/[ ()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// ---------------------------------------------------------------------------------------------
// Scanning text for markers

/** A marker group longer than this is not a citation (and bounds what a stream holds back). */
const MAX_GROUP_CHARS = 64;

/** After these, a removed marker takes the space before it along: "big [1]." → "big.". */
const CLOSING = new Set([...'.,;:!?)]}"\'»…。，、；：！？）」』】']);

const isBlank = (c: string): boolean => c === ' ' || c === '\t';

type Run = { kind: 'incomplete' } | { kind: 'text' } | { kind: 'citation'; end: number; numbers: number[] };

/**
 * Rewrites `s` from the start, stopping where the decision needs text that has not arrived yet
 * (unless `final`). Every decision depends only on the characters of `s` it has looked at and on
 * the last character emitted, which is what makes the result independent of chunk boundaries.
 */
function rewrite(s: string, final: boolean, render: RenderRun, lastEmitted: string): { out: string; rest: string } {
  let out = '';
  let i = 0;
  scan: while (i < s.length) {
    const c = s[i]!;
    if (isBlank(c)) {
      let j = i;
      while (j < s.length && isBlank(s[j]!)) j++;
      if (j === s.length) {
        if (!final) break;
        out += s.slice(i);
        i = j;
        break;
      }
      if (s[j] !== '[') {
        out += s.slice(i, j);
        i = j;
        continue;
      }
      const run = parseRun(s, j, final);
      switch (run.kind) {
        case 'incomplete':
          break scan;
        case 'text':
          out += s.slice(i, j + 1);
          i = j + 1;
          continue;
        case 'citation': {
          const rendered = render(run.numbers);
          if (rendered) {
            out += s.slice(i, j) + rendered;
          } else {
            if (run.end === s.length && !final) break scan;
            const next = s[run.end];
            // Removed: keep the space before it only when a word follows ("a [1]b" → "a b").
            if (next !== undefined && !isBlank(next) && next !== '\n' && !CLOSING.has(next)) out += s.slice(i, j);
          }
          i = run.end;
          continue;
        }
      }
    }
    if (c === '[') {
      const run = parseRun(s, i, final);
      if (run.kind === 'incomplete') break;
      if (run.kind === 'text') {
        out += c;
        i++;
        continue;
      }
      const rendered = render(run.numbers);
      let next = run.end;
      const previous = out ? out.charAt(out.length - 1) : lastEmitted;
      if (!rendered && (previous === '' || previous === '\n')) {
        // Removed at the start of a line: the spaces after it go too ("[1] Paris" → "Paris").
        while (next < s.length && isBlank(s[next]!)) next++;
        if (next === s.length && !final) break;
      }
      out += rendered;
      i = next;
      continue;
    }
    out += c;
    i++;
  }
  return { out, rest: s.slice(i) };
}

/** One or more adjacent citation groups starting at `s[start] === '['`. */
function parseRun(s: string, start: number, final: boolean): Run {
  const numbers: number[] = [];
  let pos = start;
  for (;;) {
    const group = parseGroup(s, pos, final);
    if (group.kind === 'incomplete') return group; // (never when final)
    if (group.kind === 'text') return numbers.length ? { kind: 'citation', end: pos, numbers } : group;
    numbers.push(...group.numbers);
    pos = group.end;
    if (pos === s.length) return final ? { kind: 'citation', end: pos, numbers } : { kind: 'incomplete' };
    if (s[pos] !== '[') return { kind: 'citation', end: pos, numbers };
  }
}

/** `[` spaces N spaces (`,` spaces N spaces)* `]` */
function parseGroup(s: string, start: number, final: boolean): Run {
  const numbers: number[] = [];
  let i = start + 1;
  const incomplete = (): Run => (final ? { kind: 'text' } : { kind: 'incomplete' });
  for (;;) {
    while (i < s.length && s[i] === ' ') i++;
    const digitsStart = i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    if (i - start > MAX_GROUP_CHARS) return { kind: 'text' };
    if (i === s.length) return incomplete();
    if (i === digitsStart) return { kind: 'text' };
    numbers.push(Number(s.slice(digitsStart, i)));
    while (i < s.length && s[i] === ' ') i++;
    if (i === s.length) return i - start > MAX_GROUP_CHARS ? { kind: 'text' } : incomplete();
    if (s[i] === ']') return { kind: 'citation', end: i + 1, numbers };
    if (s[i] !== ',') return { kind: 'text' };
    i++;
  }
}
