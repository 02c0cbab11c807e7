/**
 * The corpus the query tests (query.test.ts, query-requests.test.ts) search: five documents whose
 * rankings are known, with document and part filter attributes and a custom dimension, plus a
 * second corpus of one document for multi-corpus queries.
 */
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, expectOk, type Client } from './support.js';

export const SETTINGS = {
  filter_attributes: [
    { name: 'year', level: 'document', type: 'integer' },
    { name: 'topic', level: 'document', type: 'text' },
    { name: 'rank', level: 'part', type: 'integer' },
  ],
  custom_dimensions: [{ name: 'boost', indexing_default: 0, querying_default: 0 }],
};

export const DOCS = [
  { id: 'cats', year: 2019, topic: 'animals', parts: ['Cats are small domesticated carnivorous mammals.', 'A cat purrs when it is content.'] },
  { id: 'dogs', year: 2021, topic: 'animals', parts: ['Dogs are loyal companions of people.', 'A dog barks at strangers.'] },
  { id: 'rust', year: 2015, topic: 'code', parts: ['Rust is a systems programming language.', 'It focuses on memory safety without garbage collection.'] },
  { id: 'python', year: 2022, topic: 'code', parts: ['Python is a programming language with dynamic typing.'] },
  { id: 'tea', year: 2023, topic: 'drinks', parts: ['Green tea is brewed from unoxidized leaves.', 'Brewing takes three minutes.'] },
];

/** The document ids of a query answer's results, in order. */
export const ids = (res: { body: any }) => (res.body.search_results as any[]).map((r) => r.document_id);

/** A test server with the corpora 'kb' (DOCS) and 'other' (one kettle document), and its owner. */
export async function startQueryServer(): Promise<{ server: TestServer; owner: Client }> {
  const server = await startTestApp();
  const owner = client(server.app, server.ownerKey);
  await createCorpus(owner, 'kb', SETTINGS);
  await createCorpus(owner, 'other', SETTINGS);
  for (const d of DOCS) {
    const res = await owner.post('/v2/corpora/kb/documents', {
      type: 'core',
      id: d.id,
      metadata: { year: d.year, topic: d.topic },
      document_parts: d.parts.map((text, i) => ({ text, metadata: { rank: i }, custom_dimensions: { boost: d.id === 'tea' ? 1 : 0 } })),
    });
    expectOk(res, 'createCorpusDocument', 201);
  }
  const res = await owner.post('/v2/corpora/other/documents', {
    type: 'core', id: 'kettle', document_parts: [{ text: 'A kettle boils water for tea.' }],
  });
  expectOk(res, 'createCorpusDocument', 201);
  return { server, owner };
}
