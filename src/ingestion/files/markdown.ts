import { fromMarkdown } from 'mdast-util-from-markdown';
import type { List, Nodes, Root, RootContent } from 'mdast';
import { SectionBuilder, normalizeInline } from './sections.js';
import { decodeText } from './text.js';
import { UnreadableFileError, type FileParser } from './types.js';

/**
 * Markdown (CommonMark): headings nest sections by depth, the first `#` heading is the title;
 * paragraphs, lists, block quotes and code blocks become text. GFM tables are not parsed (no GFM
 * extension installed) and stay as their pipe-separated text. YAML front matter is dropped, its
 * `title`/`author`/`date` read into the metadata.
 */

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

function frontMatter(text: string): { body: string; metadata: Record<string, unknown> } {
  const m = FRONT_MATTER.exec(text);
  if (!m) return { body: text, metadata: {} };
  const metadata: Record<string, unknown> = {};
  for (const line of (m[1] ?? '').split(/\r?\n/)) {
    const kv = /^(title|author|date|description)\s*:\s*(.+?)\s*$/i.exec(line);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    const value = kv[2]!.replace(/^(["'])(.*)\1$/, '$2').trim();
    if (!value) continue;
    if (key === 'date') {
      const t = Date.parse(value);
      metadata.created_at = Number.isNaN(t) ? value : new Date(t).toISOString();
    } else metadata[key] = value;
  }
  return { body: text.slice(m[0].length), metadata };
}

/** Inline text of a node: link text, image alt, inline code; hard breaks as newlines. */
function inline(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value;
    case 'html':
      return node.value.replace(/<[^>]*>/g, '');
    case 'break':
      return '\n';
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    default:
      return 'children' in node ? (node.children as Nodes[]).map(inline).join('') : '';
  }
}

function listText(list: List, indent: string): string {
  const lines: string[] = [];
  let n = list.start ?? 1;
  for (const item of list.children) {
    const marker = list.ordered ? `${n++}.` : '-';
    const parts: string[] = [];
    for (const child of item.children) {
      if (child.type === 'list') parts.push(listText(child, indent + '  '));
      else {
        const t = blockText(child);
        if (t) parts.push(t.split('\n').map((l, i) => (i === 0 ? l : indent + '  ' + l)).join('\n'));
      }
    }
    const [first = '', ...rest] = parts;
    const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
    lines.push([`${indent}${marker} ${check}${first}`, ...rest].join('\n'));
  }
  return lines.join('\n');
}

/** Text of a block-level node (headings excluded: the caller handles them). */
function blockText(node: RootContent): string {
  switch (node.type) {
    case 'paragraph':
      return normalizeInline(inline(node).replace(/[ \t]*\r?\n[ \t]*/g, (m) => (m.includes('\n') ? '\n' : ' ')));
    case 'heading':
      return normalizeInline(inline(node));
    case 'code':
      return node.value;
    case 'html':
      return normalizeInline(node.value.replace(/<[^>]*>/g, ' '));
    case 'list':
      return listText(node, '');
    case 'blockquote':
      return node.children.map(blockText).filter(Boolean).join('\n\n');
    case 'thematicBreak':
    case 'definition':
    case 'footnoteDefinition':
      return '';
    default:
      return 'children' in node ? normalizeInline(inline(node as Nodes)) : '';
  }
}

export const parseMarkdown: FileParser = async (bytes) => {
  const { body, metadata } = frontMatter(decodeText(bytes));
  let tree: Root;
  try {
    tree = fromMarkdown(body);
  } catch (err) {
    throw new UnreadableFileError(`unreadable Markdown: ${(err as Error).message}`);
  }
  const builder = new SectionBuilder();
  let firstH1: string | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      const text = normalizeInline(inline(node)).replace(/\n+/g, ' ');
      if (node.depth === 1 && firstH1 === undefined && text) firstH1 = text;
      builder.heading(node.depth, text);
    } else {
      builder.block(blockText(node));
    }
  }
  const title = (typeof metadata.title === 'string' ? metadata.title : undefined) ?? firstH1;
  if (title !== undefined) metadata.title = title;
  const parsed = { metadata, sections: builder.finish() } as { title?: string; metadata: Record<string, unknown>; sections: ReturnType<SectionBuilder['finish']> };
  if (title !== undefined) parsed.title = title;
  return parsed;
};
