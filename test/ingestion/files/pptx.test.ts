import { describe, expect, it } from 'vitest';
import { parsePptx } from '../../../src/ingestion/files/pptx.js';
import { FILE_LIMITS, UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { readZip } from '../../../src/ingestion/files/zip.js';
import { deck, NS, pptx, shape, slide } from './fixtures/pptx.js';
import { brokenZips, zipBomb, zipParts, zipWithDeclaredSize } from './zip-fixtures.js';

const opts = { filename: 'deck.pptx', extractTables: true };

describe('parsePptx', () => {
  it('reads one section per slide with its title, text and slide number', async () => {
    const parsed = await parsePptx(pptx(deck()), opts);
    expect(parsed.title).toBe('Roadmap 2025');
    expect(parsed.metadata).toEqual({
      title: 'Roadmap 2025',
      author: 'Grace Hopper',
      created_at: '2025-01-10T09:00:00.000Z',
      modified_at: '2025-02-11T10:30:00.000Z',
      slide_count: 4,
    });
    expect(parsed.sections.map((s) => s.metadata)).toEqual([{ slide: 1 }, { slide: 2 }, { slide: 4 }]);
    expect(parsed.sections[0]).toMatchObject({ title: 'Roadmap & Goals', text: 'Where we go next' });
    expect(parsed.sections[1]).toMatchObject({ title: 'Milestones', text: 'Ship the beta\nGrow to ten customers' });
    expect(parsed.sections[2]!.title).toBe('Budget');
    expect(parsed.sections[2]!.text).toBe('Numbers in kEUR');
  });

  it('turns a:tbl into a table with the first row as headers, spans kept', async () => {
    const parsed = await parsePptx(pptx(deck()), opts);
    expect(parsed.sections[2]!.tables).toEqual([
      {
        data: {
          headers: [[{ text_value: 'Team' }, { text_value: 'Cost' }]],
          rows: [[{ text_value: 'Search' }, { text_value: '120' }], [{ text_value: 'Shared services', colspan: 2 }]],
        },
      },
    ]);
  });

  it('keeps tables as text rows without extractTables', async () => {
    const parsed = await parsePptx(pptx(deck()), { ...opts, extractTables: false });
    expect(parsed.sections[2]!.tables).toBeUndefined();
    expect(parsed.sections[2]!.text).toBe('Team | Cost\nSearch | 120\nShared services\n\nNumbers in kEUR');
  });

  it('follows the presentation order, and slide file numbers without it', async () => {
    const slides = [slide(shape(2, ['First file'], 'title')), slide(shape(2, ['Second file'], 'title'))];
    const reordered = await parsePptx(pptx(slides, { order: [2, 1] }), opts);
    expect(reordered.sections.map((s) => [s.title, s.metadata])).toEqual([
      ['Second file', { slide: 1 }],
      ['First file', { slide: 2 }],
    ]);

    const parts: Record<string, string> = {};
    for (let n = 1; n <= 11; n += 1) parts[`ppt/slides/slide${n}.xml`] = slide(shape(2, [`Slide ${n}`], 'title'));
    const byNumber = await parsePptx(zipParts(parts), opts);
    expect(byNumber.sections.map((s) => s.title)).toEqual(Array.from({ length: 11 }, (_, i) => `Slide ${i + 1}`));
    expect(byNumber.title).toBe('Slide 1'); // no core.xml: the first slide's title
    expect(byNumber.metadata).toEqual({ slide_count: 11 });
  });

  it('refuses ZIP bombs before inflating them', async () => {
    const bomb = zipBomb('ppt/slides/slide1.xml', { 'ppt/presentation.xml': `<p:presentation ${NS}/>` });
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const started = Date.now();
    await expect(parsePptx(bomb, opts)).rejects.toThrow(UnreadableFileError);
    const declared = zipWithDeclaredSize('ppt/slides/slide1.xml', slide(''), 0xfffffff0);
    await expect(parsePptx(declared, opts)).rejects.toThrow(/inflate to more than/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses truncated, corrupt and random files', async () => {
    for (const bytes of brokenZips(pptx(deck()))) {
      await expect(parsePptx(bytes, opts)).rejects.toBeInstanceOf(UnreadableFileError);
    }
    // A valid ZIP that is no presentation, and a slide that is not XML.
    await expect(parsePptx(zipParts({ 'hello.txt': 'hi' }), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(parsePptx(zipParts({ 'ppt/slides/slide1.xml': '<p:sld><oops></p:sld>' }), opts)).rejects.toBeInstanceOf(
      UnreadableFileError,
    );
  });
});

describe('readZip', () => {
  it('inflates only the wanted entries', () => {
    const zip = zipParts({ 'a.xml': '<a/>', 'media/big.bin': new Uint8Array(1024), 'dir/': new Uint8Array(0) });
    const files = readZip(zip, (n) => n.endsWith('.xml'));
    expect([...files.keys()]).toEqual(['a.xml']);
    expect(new TextDecoder().decode(files.get('a.xml'))).toBe('<a/>');
  });

  it('ignores a huge entry nobody wants, refuses one that is wanted', () => {
    const bomb = zipBomb('media/video.bin', { 'a.xml': '<a/>' });
    expect([...readZip(bomb, (n) => n === 'a.xml').keys()]).toEqual(['a.xml']);
    expect(() => readZip(bomb, () => true)).toThrow(UnreadableFileError);
  });

  it('refuses archives with too many entries', () => {
    const parts: Record<string, string> = {};
    for (let i = 0; i <= FILE_LIMITS.maxZipEntries; i += 1) parts[`f${i}`] = '';
    expect(() => readZip(zipParts(parts, 0), () => false)).toThrow(/more than 10000 entries/);
  });
});
