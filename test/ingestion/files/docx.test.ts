import { randomBytes } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseDocx } from '../../../src/ingestion/files/docx.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { makeDocx } from './fixtures/docx.js';

const opts = (extractTables: boolean) => ({ filename: 'plan.docx', extractTables });

/** A ZIP with the given entries (a [Content_Types].xml added). */
function zipOf(entries: Record<string, Uint8Array>, level: 0 | 9 = 9): Buffer {
  return Buffer.from(zipSync({ '[Content_Types].xml': new TextEncoder().encode('<Types/>'), ...entries }, { level }));
}

/** Rewrites the declared uncompressed size of one entry (central directory and local header). */
function lieAboutSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const named = (at: number): boolean => out.toString('latin1', at, at + name.length) === name;
  for (let i = 0; i + 46 <= out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x02014b50 && named(i + 46)) out.writeUInt32LE(size, i + 24);
    else if (sig === 0x04034b50 && named(i + 30)) out.writeUInt32LE(size, i + 22);
  }
  return out;
}

describe('parseDocx', () => {
  it('reads core properties, nested headings, text and tables', async () => {
    const parsed = await parseDocx(await makeDocx(), opts(true));
    expect(parsed.title).toBe('Annual Plan');
    expect(parsed.metadata).toMatchObject({ title: 'Annual Plan', author: 'Jane Author', description: 'Plans for the year' });
    expect(parsed.metadata.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(parsed.metadata.modified_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    const [opening, overview, risks] = parsed.sections;
    expect(parsed.sections).toHaveLength(3);
    expect(opening).toEqual({ text: 'Opening note before any heading.' });
    expect(overview!.title).toBe('Overview');
    expect(overview!.text).toBe('Body text with bold words.');
    const budget = overview!.sections![0]!;
    expect(budget.title).toBe('Budget');
    expect(budget.text).toBe('The budget table follows.');
    expect(budget.tables).toEqual([
      {
        data: {
          headers: [[{ text_value: 'Item' }, { text_value: 'Q1' }, { text_value: 'Q2' }]],
          rows: [
            [{ text_value: 'Travel' }, { text_value: 'Both quarters', colspan: 2 }],
            [{ text_value: 'Food' }, { text_value: '10' }, { text_value: '20' }],
          ],
        },
      },
    ]);
    expect(risks).toEqual({ title: 'Risks', text: 'Few risks.' });
  });

  it('puts table text into the section without table extraction', async () => {
    const parsed = await parseDocx(await makeDocx(), opts(false));
    const budget = parsed.sections[1]!.sections![0]!;
    expect(budget.tables).toBeUndefined();
    expect(budget.text).toBe('The budget table follows.\n\nItem | Q1 | Q2\nTravel | Both quarters\nFood | 10 | 20');
  });

  it('refuses truncated files, random bytes and non-DOCX ZIPs', async () => {
    const good = await makeDocx();
    for (const bad of [good.subarray(0, Math.floor(good.length / 2)), good.subarray(0, good.length - 10), randomBytes(8192), Buffer.alloc(0)]) {
      await expect(parseDocx(bad, opts(true))).rejects.toBeInstanceOf(UnreadableFileError);
    }
    // a ZIP that is not a Word document
    await expect(parseDocx(zipOf({ 'hello.txt': new TextEncoder().encode('hi') }), opts(true))).rejects.toBeInstanceOf(UnreadableFileError);
    // damaged compressed data inside an intact directory
    const damaged = Buffer.from(good);
    const files = unzipSync(new Uint8Array(good));
    expect(files['word/document.xml']).toBeDefined();
    const at = damaged.indexOf('word/document.xml') + 'word/document.xml'.length;
    damaged.fill(0xff, at + 10, at + 200);
    await expect(parseDocx(damaged, opts(true))).rejects.toBeInstanceOf(UnreadableFileError);
  });

  it('refuses a ZIP bomb before inflating it', async () => {
    const bomb = zipOf({ 'word/document.xml': new Uint8Array(120 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const start = Date.now();
    await expect(parseDocx(bomb, opts(true))).rejects.toThrow(/inflate to more than/);
    expect(Date.now() - start).toBeLessThan(500);
  });

  it('stops inflating an entry that lies about its size', async () => {
    const liar = lieAboutSize(zipOf({ 'word/document.xml': new Uint8Array(50 * 1024 * 1024) }), 'word/document.xml', 1000);
    const start = Date.now();
    await expect(parseDocx(liar, opts(true))).rejects.toThrow(/inflates beyond its declared size/);
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it('refuses archives with too many entries', async () => {
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 10_001; i++) entries[`f${i}.xml`] = new Uint8Array(0);
    await expect(parseDocx(zipOf(entries, 0), opts(true))).rejects.toThrow(/entries/);
  });
});
