import type { Principal } from '../../auth/principal.js';
import { isKnownEncoder, LEGACY_ENCODER_IDS, BUILT_IN_ENCODER } from '../../providers/encoders/catalog.js';
import type { CorpusRecord, CustomDimensionRecord, FilterAttributeRecord, Page, PageRequest, Storage } from '../../storage/types.js';
import { visibleCorpusIds } from '../access.js';
import { checkRegex } from '../identity/app-clients.js';
import { badRequest, invalidField, notFound } from '../errors.js';

export interface CorpusView {
  id: string;
  key: string;
  name: string;
  description: string;
  enabled: boolean;
  chat_history_corpus: boolean;
  queries_are_answers: boolean;
  documents_are_questions: boolean;
  encoder_name: string;
  save_history: boolean;
  filter_attributes: FilterAttributeRecord[];
  custom_dimensions: CustomDimensionRecord[];
  created_at: string;
}

export interface CreateCorpus {
  key: string;
  name?: string;
  description?: string;
  save_history?: boolean;
  queries_are_answers?: boolean;
  documents_are_questions?: boolean;
  encoder_id?: string;
  encoder_name?: string;
  filter_attributes?: Array<Omit<FilterAttributeRecord, 'indexed'> & { indexed?: boolean }>;
  custom_dimensions?: Array<{ name: string; description?: string; indexing_default?: number; querying_default?: number }>;
}

export const corpusId = (c: CorpusRecord): string => `crp_${c.id}`;

function view(c: CorpusRecord): CorpusView {
  return {
    id: corpusId(c),
    key: c.key,
    name: c.name,
    description: c.description,
    enabled: c.enabled,
    chat_history_corpus: false,
    queries_are_answers: c.queries_are_answers,
    documents_are_questions: c.documents_are_questions,
    encoder_name: c.encoder_name,
    save_history: c.save_history,
    filter_attributes: c.filter_attributes,
    custom_dimensions: c.custom_dimensions,
    created_at: c.created_at,
  };
}

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** Corpora: the collections that documents, queries and corpus-bound keys attach to. */
export class CorpusService {
  constructor(private readonly storage: Storage) {}

  async create(req: CreateCorpus): Promise<CorpusView> {
    let encoder = req.encoder_name;
    if (encoder === undefined && req.encoder_id !== undefined) {
      encoder = LEGACY_ENCODER_IDS[req.encoder_id];
      if (!encoder) throw invalidField('encoder_id', `unknown encoder id '${req.encoder_id}'; use encoder_name`);
    }
    encoder ??= BUILT_IN_ENCODER;
    if (!isKnownEncoder(encoder)) throw invalidField('encoder_name', `unknown encoder '${encoder}'; GET /v2/encoders lists them`);
    const attributes = (req.filter_attributes ?? []).map((a) => ({ ...a, indexed: a.indexed ?? true }));
    const dupAttrs = duplicates(attributes.map((a) => `${a.level}:${a.name}`));
    if (dupAttrs.length) throw invalidField('filter_attributes', `declared twice: ${dupAttrs.join(', ')}`);
    const dims = (req.custom_dimensions ?? []).map((d) => ({
      name: d.name,
      ...(d.description !== undefined ? { description: d.description } : {}),
      indexing_default: d.indexing_default ?? 0,
      querying_default: d.querying_default ?? 0,
    }));
    const dupDims = duplicates(dims.map((d) => d.name));
    if (dupDims.length) throw invalidField('custom_dimensions', `declared twice: ${dupDims.join(', ')}`);
    const record = await this.storage.corpora.create({
      key: req.key,
      name: req.name ?? req.key,
      description: req.description ?? '',
      save_history: req.save_history ?? false,
      queries_are_answers: req.queries_are_answers ?? false,
      documents_are_questions: req.documents_are_questions ?? false,
      encoder_name: encoder,
      filter_attributes: attributes,
      custom_dimensions: dims,
    });
    return view(record);
  }

  /** A key bound to corpora sees only its own; a user with per-corpus roles only those corpora. */
  async list(principal: Principal, page: PageRequest, q: { filter?: string; corpus_id?: string[] }): Promise<Page<CorpusView>> {
    const nameRegex = checkRegex('filter', q.filter);
    let ids: number[] | undefined;
    if (q.corpus_id && q.corpus_id.length > 0) {
      ids = q.corpus_id.map((id) => {
        const m = /^crp_(\d+)$/.exec(id);
        if (!m) throw badRequest(`Invalid corpus_id '${id}'`, { corpus_id: 'must look like crp_<number>' });
        return Number(m[1]);
      });
    }
    const result = await this.storage.corpora.list(page, { onlyIds: visibleCorpusIds(principal), nameRegex, ids });
    return { ...result, items: result.items.map(view) };
  }

  async require(key: string): Promise<CorpusRecord> {
    const c = await this.storage.corpora.getByKey(key);
    if (!c) throw notFound('Corpus', key);
    return c;
  }

  async get(key: string): Promise<CorpusView> {
    return view(await this.require(key));
  }

  /** Deletes the corpus with its data; keys bound to it lose that binding for good. */
  async delete(key: string): Promise<void> {
    if (!(await this.storage.corpora.delete(key))) throw notFound('Corpus', key);
  }
}
