import { compileFilter, prepareFilter } from '../../retrieval/filter/index.js';
import type { DocumentFilterCompiler } from './documents.js';

/**
 * `metadata_filter` of the document list: the query filter language restricted to document
 * metadata (any `part.` reference is a 400), compiled against the documents table `d`.
 */
export const compileDocumentFilter: DocumentFilterCompiler = (corpus, text) => {
  const checked = prepareFilter(text, corpus.filter_attributes, { field: 'metadata_filter', corpusKey: corpus.key, allowPart: false });
  if (!checked) return { sql: '1', params: [] };
  return compileFilter(checked, { docMetadata: 'd.metadata', docId: 'd.doc_id' });
};
