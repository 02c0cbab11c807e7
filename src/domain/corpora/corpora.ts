import type { Principal } from '../../auth/principal.js';
import { LEGACY_ENCODER_IDS, BUILT_IN_ENCODER } from '../../providers/encoders/catalog.js';
import type { CorpusRecord, CorpusUsage, CustomDimensionRecord, FilterAttributeRecord, Page, PageRequest, Storage } from '../../storage/types.js';
import type { JobService } from '../jobs/jobs.js';
import { MAX_METADATA_BYTES } from '../../ingestion/pipeline.js';
import { visibleCorpusIds } from '../access.js';
import { checkRegex } from '../regex.js';
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
  limits?: CorpusLimits;
  created_at: string;
}

export interface CorpusLimits {
  used_docs: number;
  used_parts: number;
  used_characters: number;
  max_metadata_bytes: number;
}

export interface UpdateCorpus {
  enabled?: boolean;
  name?: string;
  description?: string;
  save_history?: boolean;
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

function view(c: CorpusRecord, usage?: CorpusUsage): CorpusView {
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
    ...(usage
      ? {
          limits: {
            used_docs: usage.docs,
            used_parts: usage.parts,
            // As the spec defines it: text plus document and part metadata.
            used_characters: usage.characters + usage.metadata_characters,
            max_metadata_bytes: MAX_METADATA_BYTES,
          },
        }
      : {}),
    created_at: c.created_at,
  };
}

/** Fills defaults and refuses an attribute declared twice at the same level. */
function checkedAttributes(given: NonNullable<CreateCorpus['filter_attributes']>): FilterAttributeRecord[] {
  const attributes = given.map((a) => ({ ...a, indexed: a.indexed ?? true }));
  const dup = duplicates(attributes.map((a) => `${a.level}:${a.name}`));
  if (dup.length) throw invalidField('filter_attributes', `declared twice: ${dup.join(', ')}`);
  return attributes;
}

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

/** Corpora: the collections that documents, queries and corpus-bound keys attach to. */
export class CorpusService {
  constructor(
    private readonly storage: Storage,
    private readonly jobs: JobService,
    /** Whether an encoder name is built in or registered. */
    private readonly encoderExists: (name: string) => Promise<boolean>,
  ) {}

  async create(req: CreateCorpus): Promise<CorpusView> {
    let encoder = req.encoder_name;
    if (encoder === undefined && req.encoder_id !== undefined) {
      encoder = LEGACY_ENCODER_IDS[req.encoder_id];
      if (!encoder) throw invalidField('encoder_id', `unknown encoder id '${req.encoder_id}'; use encoder_name`);
    }
    encoder ??= BUILT_IN_ENCODER;
    if (!(await this.encoderExists(encoder))) throw invalidField('encoder_name', `unknown encoder '${encoder}'; GET /v2/encoders lists them`);
    const attributes = checkedAttributes(req.filter_attributes ?? []);
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
    return view(record, await this.storage.documents.usage(record.id));
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
    return { ...result, items: result.items.map((c) => view(c)) };
  }

  async require(key: string): Promise<CorpusRecord> {
    const c = await this.storage.corpora.getByKey(key);
    if (!c) throw notFound('Corpus', key);
    return c;
  }

  /** The corpus with its usage figures (`limits`). */
  async get(key: string): Promise<CorpusView> {
    const corpus = await this.require(key);
    return view(corpus, await this.storage.documents.usage(corpus.id));
  }

  async update(key: string, req: UpdateCorpus): Promise<CorpusView> {
    await this.require(key);
    if (req.name !== undefined && !req.name.trim()) throw invalidField('name', 'must not be empty');
    const updated = await this.storage.corpora.update(key, req);
    return view(updated!, await this.storage.documents.usage(updated!.id));
  }

  /** Removes every document and its index entries; the corpus, its settings and keys stay. */
  async reset(key: string): Promise<void> {
    const corpus = await this.require(key);
    await this.storage.documents.deleteAll(corpus.id);
  }

  async computeSize(key: string) {
    const usage = await this.storage.documents.usage((await this.require(key)).id);
    return {
      used_docs: usage.docs,
      used_parts: usage.parts,
      used_characters: usage.characters,
      used_metadata_characters: usage.metadata_characters,
    };
  }

  /** Queues the change as a job; the new attributes apply when the job completes. */
  async replaceFilterAttributes(
    principal: Principal,
    key: string,
    attributes: CreateCorpus['filter_attributes'] & object,
  ): Promise<{ job_id: string }> {
    const corpus = await this.require(key);
    const job = await this.jobs.enqueue('replace_filter_attributes', corpus, { filter_attributes: checkedAttributes(attributes) }, principal);
    return { job_id: job.id };
  }

  /** Deletes the corpus with its data; keys bound to it lose that binding for good. */
  async delete(key: string): Promise<void> {
    if (!(await this.storage.corpora.delete(key))) throw notFound('Corpus', key);
  }
}

/** The `replace_filter_attributes` job: swaps in the new declarations (safe to run twice). */
export const replaceFilterAttributesJob =
  (storage: Storage) =>
  async (job: { corpus_id: number | null; payload: Record<string, unknown> }): Promise<void> => {
    // By id, not key: a corpus deleted and re-created under the same key is another corpus.
    const corpus = job.corpus_id === null ? undefined : await storage.corpora.getById(job.corpus_id);
    if (!corpus) throw new Error('the corpus no longer exists');
    await storage.corpora.update(corpus.key, { filter_attributes: job.payload.filter_attributes as FilterAttributeRecord[] });
  };
