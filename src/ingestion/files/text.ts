import { SectionBuilder } from './sections.js';
import { UnreadableFileError, type FileParser } from './types.js';

/**
 * Plain text: UTF-8 (UTF-16 with a BOM), paragraphs split on blank lines. Binary content (NUL
 * bytes, control characters) and text that is mostly not valid UTF-8 are refused.
 */

export interface DecodeOptions {
  /**
   * An encoding label (e.g. from an HTML `<meta charset>`) tried when the bytes are not valid
   * UTF-8; without one, invalid UTF-8 beyond a small share is refused.
   */
  fallbackEncoding?: string;
}

/** Share of suspicious characters (U+FFFD, C0 controls other than whitespace) above which content is binary. */
const MAX_BAD_SHARE = 0.01;

/** Whether there are too many suspicious characters (one is always tolerated: a cut last character). */
function tooSuspicious(text: string): boolean {
  return countSuspicious(text) > Math.max(1, text.length * MAX_BAD_SHARE);
}

function countSuspicious(text: string): number {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b && c !== 0x1b) || c === 0x7f) bad++;
  }
  return bad;
}

function tryDecoder(label: string, bytes: Uint8Array, fatal: boolean): string | undefined {
  try {
    return new TextDecoder(label, { fatal, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a text file's bytes: BOM stripped, UTF-8 (or UTF-16 with BOM). Throws
 * UnreadableFileError for binary content (NUL bytes, control characters) or invalid UTF-8.
 */
export function decodeText(bytes: Buffer, options: DecodeOptions = {}): string {
  if (bytes.length === 0) return '';
  // UTF-16 with a byte-order mark (NUL bytes are expected there)
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const text = tryDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', bytes, true);
    if (text === undefined || tooSuspicious(text)) {
      throw new UnreadableFileError('the file is not valid UTF-16 text');
    }
    return text;
  }
  if (bytes.includes(0)) throw new UnreadableFileError('the file is binary, not text (it contains NUL bytes)');

  const strict = tryDecoder('utf-8', bytes, true);
  if (strict !== undefined) {
    if (tooSuspicious(strict)) {
      throw new UnreadableFileError('the file is binary, not text (it contains control characters)');
    }
    return strict;
  }
  const fallback = options.fallbackEncoding?.replace(/^utf8$/, 'utf-8');
  if (fallback && fallback !== 'utf-8') {
    const text = tryDecoder(fallback, bytes, false);
    if (text !== undefined && !tooSuspicious(text)) return text;
  }
  // Mostly valid UTF-8 with a few stray bytes (e.g. cut in the middle of a character): keep it.
  const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  if (tooSuspicious(lenient)) {
    throw new UnreadableFileError('the file is not valid UTF-8 text');
  }
  return lenient;
}

/** Splits text into paragraphs on blank lines; lines within a paragraph keep their newlines. */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\f\v]*\n\s*/)
    .map((p) => p.replace(/[ \t\f\v]+$/gm, '').trim())
    .filter((p) => p.length > 0);
}

export const parseText: FileParser = async (bytes) => {
  const text = decodeText(bytes);
  const builder = new SectionBuilder();
  for (const p of paragraphs(text)) builder.block(p);
  return { metadata: {}, sections: builder.finish() };
};
