import { describe, expect, it } from 'vitest';
import { parseOdt } from '../../../src/ingestion/files/odt.js';
import { UnreadableFileError } from '../../../src/ingestion/files/types.js';
import { cell, content, META, NS, odt } from './fixtures/odt.js';
import { brokenZips, zipBomb, zipParts, zipWithDeclaredSize } from './zip-fixtures.js';

const opts = { filename: 'notes.odt', extractTables: true };

describe('parseOdt', () => {
  it('nests sections by outline level and reads paragraphs and lists as text', async () => {
    const parsed = await parseOdt(odt(), opts);
    expect(parsed.title).toBe('Field Notes');
    expect(parsed.metadata).toEqual({
      title: 'Field Notes',
      author: 'Mary Shelley',
      created_at: '2023-06-01T12:00:00.000Z',
      modified_at: '2023-07-02T08:15:00.500Z',
      page_count: 3,
    });
    const [preamble, intro, results] = parsed.sections;
    expect(parsed.sections).toHaveLength(3);
    expect(preamble).toEqual({ text: 'An opening paragraph before any heading.' });
    expect(intro!.title).toBe('Introduction');
    expect(intro!.text).toBe('Intro text with spaces, a tab and a styled word.');
    const background = intro!.sections![0]!;
    expect(background.title).toBe('Background');
    expect(background.text).toBe('Line one\nline two\n\nFirst item\nSecond item\nNested item');
    expect(background.sections).toEqual([{ title: 'Details', text: 'Deep detail.' }]);
    expect(results!.title).toBe('Results');
    expect(results!.text).toBe('After the table.');
  });

  it('reads tables with header rows and column spans', async () => {
    const parsed = await parseOdt(odt(), opts);
    expect(parsed.sections[2]!.tables).toEqual([
      {
        data: {
          headers: [[{ text_value: 'Site' }, { text_value: 'Samples' }, { text_value: 'Mean' }]],
          rows: [
            [{ text_value: 'North' }, { text_value: '12' }, { text_value: '4.5' }],
            [{ text_value: 'Combined', colspan: 2 }, { text_value: '4.1' }],
          ],
        },
      },
    ]);
  });

  it('uses the first row as headers without header rows, and text rows without extractTables', async () => {
    const body =
      `<text:h text:outline-level="1">Data</text:h><table:table>` +
      `<table:table-row>${cell('Key')}${cell('Value')}</table:table-row><table:table-row>${cell('a')}${cell('1')}</table:table-row></table:table>`;
    const withTables = await parseOdt(odt(body, null), opts);
    expect(withTables.title).toBe('Data'); // no meta.xml: the first heading
    expect(withTables.metadata).toEqual({});
    expect(withTables.sections[0]!.tables![0]!.data).toEqual({
      headers: [[{ text_value: 'Key' }, { text_value: 'Value' }]],
      rows: [[{ text_value: 'a' }, { text_value: '1' }]],
    });
    const asText = await parseOdt(odt(body, null), { ...opts, extractTables: false });
    expect(asText.sections[0]).toEqual({ title: 'Data', text: 'Key | Value\na | 1' });
  });

  it('refuses ZIP bombs before inflating them', async () => {
    const bomb = zipBomb('content.xml', { mimetype: 'application/vnd.oasis.opendocument.text' });
    const started = Date.now();
    await expect(parseOdt(bomb, opts)).rejects.toThrow(UnreadableFileError);
    await expect(parseOdt(zipWithDeclaredSize('content.xml', content(''), 0xfffffff0), opts)).rejects.toThrow(
      UnreadableFileError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses truncated, corrupt, random and non-ODT files', async () => {
    for (const bytes of brokenZips(odt())) {
      await expect(parseOdt(bytes, opts)).rejects.toBeInstanceOf(UnreadableFileError);
    }
    await expect(parseOdt(zipParts({ 'meta.xml': META }), opts)).rejects.toThrow(/no content.xml/);
    await expect(parseOdt(zipParts({ 'content.xml': '<a><b></a>' }), opts)).rejects.toBeInstanceOf(UnreadableFileError);
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
      `<office:document-content ${NS}><office:body><office:text><text:p>&lol2;</text:p></office:text></office:body></office:document-content>`;
    await expect(parseOdt(zipParts({ 'content.xml': laughs }), opts)).rejects.toThrow(/entity/);
  });
});
