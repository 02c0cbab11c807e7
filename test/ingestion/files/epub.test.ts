import { describe, expect, it } from 'vitest';
import { parseEpub } from '../../../src/ingestion/files/epub.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { CONTAINER, epub, OPF } from './fixtures/epub.js';
import { brokenZips, zipBomb, zipParts, zipWithDeclaredSize } from './zip-fixtures.js';

const opts = { filename: 'book.epub', extractTables: true };

describe('parseEpub', () => {
  it('reads the spine in order through the HTML parser, with OPF metadata', async () => {
    const parsed = await parseEpub(epub(), opts);
    expect(parsed.title).toBe('The Lighthouse Keeper');
    expect(parsed.metadata).toEqual({
      title: 'The Lighthouse Keeper',
      author: 'Jo March, Amy March',
      created_at: '2019-05-04T00:00:00.000Z',
      modified_at: '2020-01-02T03:04:05.000Z',
    });
    expect(parsed.sections.map((s) => s.title)).toEqual(['Chapter One', 'Chapter Two']);
    const [one, two] = parsed.sections;
    expect(one!.text).toBe('The keeper climbed the stairs\u2026 every night.');
    expect(one!.sections![0]!.title).toBe('The Storm');
    expect(one!.sections![0]!.text).toBe('Waves broke on the rocks.');
    expect(one!.sections![0]!.tables![0]!.data).toEqual({
      headers: [[{ text_value: 'Night' }, { text_value: 'Ships' }]],
      rows: [[{ text_value: 'Monday' }, { text_value: '3' }]],
    });
    expect(two!.text).toBe('Morning came quietly.');
    // The navigation document is not in the spine, so its text is not read.
    expect(JSON.stringify(parsed.sections)).not.toContain('Contents');
  });

  it('falls back to the first chapter title when the OPF has none', async () => {
    const parsed = await parseEpub(epub({ 'OEBPS/content.opf': OPF.replace('<dc:title>The Lighthouse Keeper</dc:title>', '') }), opts);
    expect(parsed.title).toBe('Chapter One');
    expect(parsed.metadata.title).toBeUndefined();
  });

  it('refuses ZIP bombs before inflating them', async () => {
    const bomb = zipBomb('OEBPS/text/ch1.xhtml', { 'META-INF/container.xml': CONTAINER, 'OEBPS/content.opf': OPF });
    const started = Date.now();
    await expect(parseEpub(bomb, opts)).rejects.toThrow(UnreadableFileError);
    await expect(parseEpub(zipWithDeclaredSize('META-INF/container.xml', CONTAINER, 0xfffffff0), opts)).rejects.toThrow(
      UnreadableFileError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses truncated, corrupt, random and non-EPUB files', async () => {
    for (const bytes of brokenZips(epub())) {
      await expect(parseEpub(bytes, opts)).rejects.toBeInstanceOf(UnreadableFileError);
    }
    await expect(parseEpub(zipParts({ mimetype: 'application/epub+zip' }), opts)).rejects.toThrow(/container/);
    await expect(parseEpub(zipParts({ 'META-INF/container.xml': CONTAINER }), opts)).rejects.toThrow(/missing/);
    await expect(
      parseEpub(zipParts({ 'META-INF/container.xml': CONTAINER, 'OEBPS/content.opf': '<package><metadata>' }), opts),
    ).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
