import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StructuredDocumentBody, StructuredDocumentSectionBody } from '../../src/ingestion/documents.js';
import { FULL_TEXT_SEPARATOR, MAX_SECTION_DEPTH, normalizeDocument } from '../../src/ingestion/normalize.js';
import { fieldErrors } from './support.js';

const structured = (extra: Partial<StructuredDocumentBody> = {}): StructuredDocumentBody => ({
  type: 'structured',
  id: 'report',
  sections: [{ text: 'Body.' }],
  ...extra,
});

const report = (): StructuredDocumentBody =>
  structured({
    title: '  Annual Report ',
    description: 'What we did.',
    metadata: { year: 2024 },
    custom_dimensions: { freshness: 0.5 },
    sections: [
      {
        id: 10,
        title: 'Environment',
        text: 'Emissions fell by 22%. Dr. Lee led the work.',
        metadata: { topic: 'env', level: 'outer' },
        sections: [{ title: 'Details', text: 'Solar panels.', metadata: { level: 'inner' } }],
      },
      { id: 20, text: 'Social work grew.' },
    ],
  });

describe('normalizeDocument: structured documents', () => {
  it('makes title parts and one part per sentence, depth first', () => {
    const doc = normalizeDocument(report());
    expect(doc.parts.map((p) => [p.text, p.is_title, p.section_path])).toEqual([
      ['Annual Report', true, []],
      ['Environment', true, [10]],
      ['Emissions fell by 22%.', false, [10]],
      ['Dr. Lee led the work.', false, [10]],
      ['Details', true, [10, 0]],
      ['Solar panels.', false, [10, 0]],
      ['Social work grew.', false, [20]],
    ]);
    expect(doc).toMatchObject({ id: 'report', title: '  Annual Report ', description: 'What we did.' });
  });

  it('merges section metadata (inner wins) but keeps document metadata on the document', () => {
    const doc = normalizeDocument(report());
    expect(doc.metadata).toEqual({ year: 2024 });
    expect(doc.parts[0]?.metadata).toEqual({});
    expect(doc.parts[2]?.metadata).toEqual({ topic: 'env', level: 'outer' });
    expect(doc.parts[5]?.metadata).toEqual({ topic: 'env', level: 'inner' });
    expect(doc.parts[6]?.metadata).toEqual({});
  });

  it('applies document custom dimensions to every part', () => {
    for (const p of normalizeDocument(report()).parts) expect(p.custom_dimensions).toEqual({ freshness: 0.5 });
  });

  it('places offsets in the blocks joined by the separator', () => {
    const body = report();
    const blocks = ['  Annual Report ', 'Environment', 'Emissions fell by 22%. Dr. Lee led the work.', 'Details', 'Solar panels.', 'Social work grew.'];
    const full = blocks.join(FULL_TEXT_SEPARATOR);
    for (const p of normalizeDocument(body).parts) expect(full.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
  });

  it('chunks with max_chars_chunking_strategy, never across sections', () => {
    const sentence = 'This sentence is exactly forty chars ok.';
    const doc = normalizeDocument(
      structured({
        chunking_strategy: { type: 'max_chars_chunking_strategy', max_chars_per_chunk: 100 },
        sections: [{ text: `${sentence} ${sentence} ${sentence}` }, { text: 'Short.' }],
      }),
    );
    expect(doc.parts.map((p) => p.text)).toEqual([`${sentence} ${sentence}`, sentence, 'Short.']);
    expect(doc.parts.map((p) => p.section_path)).toEqual([[0], [0], [1]]);
  });

  it('rejects a bad chunking strategy even without text to chunk', () => {
    const body = structured({
      chunking_strategy: { type: 'max_chars_chunking_strategy', max_chars_per_chunk: 50 },
      sections: [{ title: 'Only a title' }],
    });
    expect(fieldErrors(() => normalizeDocument(body))).toHaveProperty(['chunking_strategy.max_chars_per_chunk']);
  });

  it('gives blank titles and texts no part, and rejects a document with none at all', () => {
    const doc = normalizeDocument(structured({ title: ' ', sections: [{ title: '', text: '\n' }, { text: 'Kept.' }] }));
    expect(doc.parts.map((p) => p.text)).toEqual(['Kept.']);
    const empty = structured({ title: '   ', sections: [{ text: ' ' }, { sections: [{ text: '' }] }] });
    expect(fieldErrors(() => normalizeDocument(empty))).toHaveProperty(['sections']);
  });

  it('rejects duplicate section ids, wherever they nest', () => {
    const body = structured({ sections: [{ id: 1, text: 'a' }, { id: 2, text: 'b', sections: [{ id: 1, text: 'c' }] }] });
    const errors = fieldErrors(() => normalizeDocument(body));
    expect(errors).toHaveProperty(['sections.1.sections.0.id']);
    expect(errors['sections.1.sections.0.id']).toContain('sections.0');
  });

  it('names nested fields with lone surrogates or bad custom dimensions', () => {
    const bad = structured({ sections: [{ text: 'ok', sections: [{ text: 'ok' }, { title: 'x\udfff' }] }] });
    expect(fieldErrors(() => normalizeDocument(bad))).toHaveProperty(['sections.0.sections.1.title']);
    const dims = structured({ custom_dimensions: { boost: Number.NaN } });
    expect(fieldErrors(() => normalizeDocument(dims))).toHaveProperty(['custom_dimensions.boost']);
  });

  it('limits nesting depth', () => {
    let section: StructuredDocumentSectionBody = { text: 'deep' };
    for (let i = 1; i < MAX_SECTION_DEPTH; i++) section = { sections: [section] };
    const atLimit = normalizeDocument(structured({ sections: [section] }));
    expect(atLimit.parts[0]?.section_path).toHaveLength(MAX_SECTION_DEPTH);
    const tooDeep = structured({ sections: [{ sections: [section] }] });
    expect(Object.keys(fieldErrors(() => normalizeDocument(tooDeep)))[0]).toMatch(/^sections(\.0\.sections)+$/);
  });

  it('indexes section tables with the section metadata, ids unique in the document', () => {
    const doc = normalizeDocument(
      structured({
        sections: [
          {
            id: 1,
            text: 'Invoice.',
            metadata: { kind: 'billing' },
            tables: [{ title: 'Items', data: { headers: [[{ text_value: 'Item' }]], rows: [[{ text_value: 'Widget' }]] } }],
            sections: [{ tables: [{ id: 'table_1', data: { rows: [[{ bool_value: true }]] } }] }],
          },
        ],
      }),
    );
    expect(doc.tables.map((t) => t.id)).toEqual(['table_2', 'table_1']);
    expect(doc.parts.slice(1).map((p) => [p.text, p.table_id, p.section_path, p.metadata])).toEqual([
      ['Items', 'table_2', [1], { kind: 'billing', table_part: 'caption' }],
      ['Item: Widget', 'table_2', [1], { kind: 'billing', table_part: 'row', table_row: 1 }],
      ['true', 'table_1', [1, 0], { kind: 'billing', table_part: 'row', table_row: 1 }],
    ]);
  });

  it('rejects duplicate table ids and bad cells by path', () => {
    const dup = structured({ sections: [{ text: 'a', tables: [{ id: 't' }] }, { text: 'b', tables: [{ id: 't' }] }] });
    expect(fieldErrors(() => normalizeDocument(dup))).toHaveProperty(['sections.1.tables.0.id']);
    const cell = structured({ sections: [{ text: 'a', tables: [{ data: { rows: [[{ text_value: 'a' }, { int_value: 1, text_value: 'b' }]] } }] }] });
    expect(fieldErrors(() => normalizeDocument(cell))).toHaveProperty(['sections.0.tables.0.data.rows.0.1']);
  });

  it('collects images from every section, without their bytes', () => {
    const doc = normalizeDocument(
      structured({
        sections: [
          { text: 'a', images: [{ id: 'one', caption: 'First', image_data: { data: 'AAAA', mime_type: 'image/png' } }] },
          { text: 'b', sections: [{ text: 'c', images: [{ id: 'two', image_data: { data: 'AAAA', mime_type: 'image/gif' } }] }] },
        ],
      }),
    );
    expect(doc.images).toEqual([
      { id: 'one', caption: 'First', mime_type: 'image/png' },
      { id: 'two', mime_type: 'image/gif' },
    ]);
  });

  it('parts are ordered and never overlap in the full text (property)', () => {
    const text = fc.array(fc.constantFrom('Word', 'Dr.', 'end.', 'Next!', ' ', '\n', '😀', '表。'), { maxLength: 40 }).map((t) => t.join(''));
    const section: fc.Memo<StructuredDocumentSectionBody> = fc.memo((n) =>
      fc.record(
        { title: text, text, sections: n > 1 ? fc.array(section(n - 1), { maxLength: 3 }) : fc.constant([]) },
        { requiredKeys: ['text'] },
      ),
    );
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), fc.array(section(3), { minLength: 1, maxLength: 3 }), (title, sections) => {
        let doc;
        try {
          doc = normalizeDocument(structured({ ...(title === undefined ? {} : { title }), sections }));
        } catch (error) {
          // Only a document with no text at all may be refused.
          expect(fieldErrors(() => { throw error; })).toHaveProperty(['sections']);
          return;
        }
        let end = 0;
        for (const p of doc.parts) {
          expect(p.text.length).toBeGreaterThan(0);
          expect(p.offset).toBeGreaterThanOrEqual(end);
          end = p.offset + p.text.length;
        }
      }),
      { numRuns: 200 },
    );
  });
});
