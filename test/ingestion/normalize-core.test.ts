import { describe, expect, it } from 'vitest';
import type { CoreDocumentBody } from '../../src/ingestion/documents.js';
import { FULL_TEXT_SEPARATOR, normalizeDocument } from '../../src/ingestion/normalize.js';
import { fieldErrors } from './support.js';

const core = (extra: Partial<CoreDocumentBody> = {}): CoreDocumentBody => ({
  type: 'core',
  id: 'doc-1',
  document_parts: [{ text: 'Only part.' }],
  ...extra,
});

describe('normalizeDocument: core documents', () => {
  it('keeps each part exactly as given, with its fields', () => {
    const doc = normalizeDocument(
      core({
        metadata: { doc_type: 'invoice' },
        document_parts: [
          { text: 'First part. It has two sentences.', metadata: { 'part.rank': 9000 }, context: 'Around it' },
          { text: '  Second  ', custom_dimensions: { weight: 1.5 }, table_id: 'billing' },
        ],
      }),
    );
    expect(doc.id).toBe('doc-1');
    expect(doc.metadata).toEqual({ doc_type: 'invoice' });
    expect(doc.parts).toEqual([
      {
        text: 'First part. It has two sentences.',
        metadata: { 'part.rank': 9000 },
        custom_dimensions: {},
        context: 'Around it',
        is_title: false,
        offset: 0,
        section_path: [],
        source: 'document_parts.0',
      },
      {
        text: '  Second  ',
        metadata: {},
        custom_dimensions: { weight: 1.5 },
        table_id: 'billing',
        is_title: false,
        offset: 34,
        section_path: [],
        source: 'document_parts.1',
      },
    ]);
  });

  it('places offsets in the part texts joined by the separator, skipping blank parts', () => {
    const texts = ['Alpha.', '   ', 'Beta 😀.', '', 'Gamma.'];
    const doc = normalizeDocument(core({ document_parts: texts.map((text) => ({ text })) }));
    const full = ['Alpha.', 'Beta 😀.', 'Gamma.'].join(FULL_TEXT_SEPARATOR);
    expect(doc.parts.map((p) => p.text)).toEqual(['Alpha.', 'Beta 😀.', 'Gamma.']);
    for (const p of doc.parts) expect(full.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
  });

  it('does not merge document metadata into parts, nor alias the body', () => {
    const body = core({ metadata: { lang: 'eng' }, document_parts: [{ text: 'x', metadata: { a: 1 } }] });
    const doc = normalizeDocument(body);
    expect(doc.parts[0]?.metadata).toEqual({ a: 1 });
    doc.parts[0]!.metadata.b = 2;
    expect(body.document_parts[0]?.metadata).toEqual({ a: 1 });
  });

  it('treats null optional fields as absent', () => {
    const body = { ...core(), metadata: null, tables: null, images: null } as unknown as CoreDocumentBody;
    const doc = normalizeDocument(body);
    expect(doc).toMatchObject({ metadata: {}, tables: [], images: [] });
  });

  it('rejects a document with nothing to index', () => {
    expect(fieldErrors(() => normalizeDocument(core({ document_parts: [{ text: ' \n ' }, { text: '' }] })))).toHaveProperty(
      ['document_parts'],
    );
    expect(fieldErrors(() => normalizeDocument(core({ document_parts: [] })))).toHaveProperty(['document_parts']);
  });

  it('names the part whose text holds a lone surrogate', () => {
    const parts = ['a', 'b', 'c', 'bad \ud800 text'].map((text) => ({ text }));
    expect(fieldErrors(() => normalizeDocument(core({ document_parts: parts })))).toHaveProperty(['document_parts.3.text']);
    // A proper surrogate pair is fine.
    expect(normalizeDocument(core({ document_parts: [{ text: 'ok \ud83d\ude00' }] })).parts).toHaveLength(1);
  });

  it('checks contexts and metadata strings for lone surrogates too', () => {
    const withContext = core({ document_parts: [{ text: 'x', context: '\udc00' }] });
    expect(fieldErrors(() => normalizeDocument(withContext))).toHaveProperty(['document_parts.0.context']);
    const withMetadata = core({ document_parts: [{ text: 'x', metadata: { tags: ['ok', 'bad\ud800'] } }] });
    expect(fieldErrors(() => normalizeDocument(withMetadata))).toHaveProperty(['document_parts.0.metadata.tags.1']);
  });

  it('requires custom dimensions to be finite numbers', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number, null as unknown as number]) {
      const body = core({ document_parts: [{ text: 'x', custom_dimensions: { boost: bad } }] });
      expect(fieldErrors(() => normalizeDocument(body))).toHaveProperty(['document_parts.0.custom_dimensions.boost']);
    }
  });

  it('rejects a body of an unknown type', () => {
    const body = { type: 'semi', id: 'x' } as unknown as CoreDocumentBody;
    expect(fieldErrors(() => normalizeDocument(body))).toHaveProperty(['type']);
  });

  it('keeps image metadata and drops the bytes', () => {
    const doc = normalizeDocument(
      core({
        images: [
          { id: 'chart', title: 'Sales', caption: 'Q1-Q4', image_data: { data: 'iVBORw0KGgo=', mime_type: 'image/png' } },
          { image_data: { data: 'AAAA', mime_type: 'image/jpeg' } },
        ],
      }),
    );
    expect(doc.images).toEqual([
      { id: 'chart', title: 'Sales', caption: 'Q1-Q4', mime_type: 'image/png' },
      { id: 'image_1', mime_type: 'image/jpeg' },
    ]);
    const dup = core({ images: [{ id: 'i' }, { id: 'i' }] });
    expect(fieldErrors(() => normalizeDocument(dup))).toHaveProperty(['images.1.id']);
  });

  it('indexes tables as caption and row parts unless a part already points at them', () => {
    const doc = normalizeDocument(
      core({
        document_parts: [{ text: 'See the tables.' }, { text: 'Acme owes 10.', table_id: 'given' }],
        tables: [
          {
            title: 'Billing',
            data: {
              headers: [[{ text_value: 'Customer' }, { text_value: 'Balance' }]],
              rows: [[{ text_value: 'Acme' }, { float_value: 10.5 }]],
            },
          },
          { id: 'given', data: { rows: [[{ text_value: 'Acme' }]] } },
        ],
      }),
    );
    expect(doc.tables.map((t) => t.id)).toEqual(['table_1', 'given']);
    expect(doc.parts.map((p) => [p.text, p.table_id, p.metadata])).toEqual([
      ['See the tables.', undefined, {}],
      ['Acme owes 10.', 'given', {}],
      ['Billing', 'table_1', { table_part: 'caption' }],
      ['Customer: Acme; Balance: 10.5', 'table_1', { table_part: 'row', table_row: 1 }],
    ]);
    expect(doc.parts[3]?.context).toBe('Billing');
  });

  it('accepts a document whose only text is in a table', () => {
    const doc = normalizeDocument(core({ document_parts: [{ text: ' ' }], tables: [{ data: { rows: [[{ int_value: 7 }]] } }] }));
    expect(doc.parts.map((p) => p.text)).toEqual(['7']);
  });
});
