import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeText, parseText } from '../../../src/ingestion/files/text.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';

const opts = { filename: 'notes.txt', extractTables: false };

describe('parseText', () => {
  it('splits paragraphs on blank lines, strips the BOM, keeps line breaks within a paragraph', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('First line\r\nsame para\r\n\r\n\r\nSecond  para  \n   \n Third é ✓\n')]);
    const parsed = await parseText(bytes, opts);
    expect(parsed.title).toBeUndefined();
    expect(parsed.sections).toEqual([{ text: 'First line\nsame para\n\nSecond  para\n\nThird é ✓' }]);
  });

  it('reads UTF-16 with a BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hello\n\nWorld', 'utf16le')]);
    expect((await parseText(bytes, opts)).sections[0]!.text).toBe('Hello\n\nWorld');
  });

  it('gives no sections for an empty or blank file', async () => {
    expect((await parseText(Buffer.alloc(0), opts)).sections).toEqual([]);
    expect((await parseText(Buffer.from(' \n\n \n'), opts)).sections).toEqual([]);
  });

  it('tolerates a file cut in the middle of a multi-byte character', async () => {
    const full = Buffer.from('Some text long enough to be a real paragraph of prose. Ünïcödé ✓');
    const parsed = await parseText(full.subarray(0, full.length - 1), opts);
    expect(parsed.sections[0]!.text).toMatch(/^Some text/);
  });

  it('refuses binary content', async () => {
    await expect(parseText(randomBytes(4096), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    // a PNG header: NUL bytes
    await expect(parseText(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    // Latin-1 bytes everywhere: mostly invalid UTF-8
    await expect(parseText(Buffer.from('é'.repeat(50) + ' abc', 'latin1'), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    // control characters without NULs
    await expect(parseText(Buffer.from('\x01\x02\x03\x04abc\x05\x06\x07\x08'), opts)).rejects.toBeInstanceOf(UnreadableFileError);
  });

  it('decodeText falls back to a declared encoding', () => {
    expect(decodeText(Buffer.from('caf\xe9 cr\xe8me', 'latin1'), { fallbackEncoding: 'windows-1252' })).toBe('café crème');
  });
});
