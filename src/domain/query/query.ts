import { randomBytes } from 'node:crypto';
import type { EmbeddingKind } from '../../providers/encoders/types.js';
import { resultText } from '../../retrieval/context.js';
import { compileFilter, prepareFilter } from '../../retrieval/filter/index.js';
import { parseLexicalQuery, toFtsMatch } from '../../retrieval/lexical/query-syntax.js';
import { builtinRescore } from '../../retrieval/rerank/builtin.js';
import { runStages } from '../../retrieval/rerank/chain.js';
import type { RerankCandidate, Rescore } from '../../retrieval/rerank/types.js';
import type { FilteredParts } from '../../retrieval/filtered-parts.js';
import type { LexicalIndexes } from '../../retrieval/lexical/lexical-indexes.js';
import type { VectorIndexes } from '../../retrieval/vector-index.js';
import type { CorpusRecord, HitRecord, PartFilter, Storage } from '../../storage/types.js';
import type { EncoderService } from '../encoders/encoders.js';
import { CorpusRetrieval, type PreparedCorpus, type Scored } from './corpus-retrieval.js';
import { forbidden, invalidField, notFound } from '../errors.js';
import { defaultLexicalInterpolation } from './defaults.js';
import type { CorpusSearch, QueryPlan } from './plan.js';
import type { RerankerModels } from './reranker-models.js';
import { resolveStages } from './rerankers.js';

/** A search result as the API shows it. */
export interface SearchResult {
  text: string;
  score: number;
  part_metadata: Record<string, unknown>;
  document_metadata: Record<string, unknown>;
  document_id: string;
  request_corpora_index: number;
  table?: unknown;
}

export interface QueryOutcome {
  search_results: SearchResult[];
  /** Internal ids of the corpora searched (chats keep them for access checks). */
  corpus_ids: number[];
  /** Set when the query was saved to history. */
  history_id?: string;
  /**
   * With `deferHistory`, when the query is to be saved: saves it with what came after the search
   * (the generated answer, its score, a chat) and returns the history id.
   */
  saveHistory?: (extra?: HistoryExtra) => Promise<string>;
}

/** What a RAG answer adds to a query's history entry. */
export interface HistoryExtra {
  /** The entry's id, when the caller must know it before saving (a chat turn refers to it). */
  id?: string;
  chat_id?: string;
  generation?: string;
  factual_consistency_score?: number;
  spans?: Array<Record<string, unknown>>;
}

const MAX_CONTEXT_PARTS = 50;

/** A result's text with its context, with or without the start and end tags. */
type ContextReader = (hit: HitRecord, tags: boolean) => Promise<string>;

/**
 * Runs queries: hybrid retrieval in each corpus named (corpus-retrieval.ts), one merged list,
 * the re-ranking chain, then the requested page with its context.
 * Saves history when the request or a corpus asks for it.
 */
export class QueryService {
  constructor(
    private readonly storage: Storage,
    private readonly encoders: EncoderService,
    private readonly vectors: VectorIndexes,
    private readonly lexicalIndexes: LexicalIndexes,
    filtered: FilteredParts,
    private readonly rerankers: RerankerModels,
  ) {
    this.retrieval = new CorpusRetrieval(storage, vectors, lexicalIndexes, filtered);
  }

  private readonly retrieval: CorpusRetrieval;

  async run(plan: QueryPlan, options: { deferHistory?: boolean } = {}): Promise<QueryOutcome> {
    const startedAt = new Date();
    const t0 = performance.now();
    const prepared = await this.prepare(plan);
    // Stages are checked before searching; the built-in one gets its corpus statistics after.
    let builtin: Rescore | null = null;
    const stages = resolveStages(plan.reranker, {
      catalog: this.rerankers.catalog,
      builtin: () => (cs, texts) => builtin!(cs, texts),
      model: (name) => this.rerankers.scorer(name, plan.query),
    });
    if (stages.some((st) => st.implementation === 'builtin')) {
      builtin = builtinRescore({ words: this.allWords(prepared), idf: await this.idfOf(prepared) });
    }

    const pool = plan.offset + plan.limit;
    const queryVectors = await this.embedQueries(prepared);
    const scored: Scored[] = [];
    for (const p of prepared) scored.push(...(await this.retrieval.retrieve(p, queryVectors.get(p.index), pool)));
    scored.sort((a, b) => b.score - a.score || a.corpusIndex - b.corpusIndex || a.id - b.id);
    const firstStage = scored.slice(0, pool);
    const searchLatency = performance.now() - t0;

    const hits = await this.retrieval.hits(firstStage, prepared);
    const present = firstStage.filter((s) => hits.has(s.id));
    const context = this.contextReader(plan);
    // Only what some stage reads is fetched: context for stages that score it, vectors for MMR.
    const readsContext = stages.some((st) => st.rescore && st.includeContext);
    const readsVectors = stages.some((st) => st.kind === 'mmr');
    const candidates: RerankCandidate[] = [];
    for (const [i, s] of present.entries()) {
      const hit = hits.get(s.id)!;
      candidates.push({
        index: i,
        score: s.score,
        text: hit.text,
        context_text: readsContext ? await context(hit, false) : hit.text,
        document_id: hit.doc_id,
        document_metadata: hit.doc_metadata,
        part_metadata: partMetadata(hit),
        vector: readsVectors ? await this.vectors.vectorOf(hit.corpus_id, hit.id) : null,
      });
    }
    const rerankStart = performance.now();
    const outcomes = await runStages(stages, candidates);
    const reranked = outcomes.at(-1)?.results ?? candidates;
    const page = reranked.slice(plan.offset, plan.offset + plan.limit);
    const results: SearchResult[] = [];
    for (const c of page) {
      const s = present[c.index]!;
      results.push(await this.toResult(hits.get(s.id)!, c.score, s.corpusIndex, context));
    }

    const outcome: QueryOutcome = { search_results: results, corpus_ids: prepared.map((p) => p.corpus.id) };
    if (plan.save_history ?? prepared.some((p) => p.corpus.save_history)) {
      const trace = { searchLatency, firstStage: present, hits, outcomes, rerankLatency: performance.now() - rerankStart };
      const save = (extra: HistoryExtra = {}) => this.saveHistory(plan, prepared, startedAt, performance.now() - t0, context, trace, extra);
      if (options.deferHistory) outcome.saveHistory = save;
      else outcome.history_id = await save();
    }
    return outcome;
  }

  /**
   * Resolves once the corpus's in-memory indexes (postings, vectors, and the vector graph of a
   * large corpus) are loaded and current, so the next query does not wait for them.
   */
  async ready(corpusKey: string): Promise<void> {
    const corpus = await this.storage.corpora.getByKey(corpusKey);
    if (!corpus) throw notFound('Corpus', corpusKey);
    await Promise.all([this.lexicalIndexes.ready(corpus.id), this.vectors.ready(corpus.id)]);
  }

  // -- preparation: everything that can be a 400 happens before any search runs --------------

  private async prepare(plan: QueryPlan): Promise<PreparedCorpus[]> {
    if (plan.corpora.length === 0) throw invalidField('search.corpora', 'name at least one corpus');
    const out: PreparedCorpus[] = [];
    for (const [index, spec] of plan.corpora.entries()) {
      const corpus = await this.storage.corpora.getByKey(spec.corpus_key);
      if (!corpus) throw notFound('Corpus', spec.corpus_key);
      if (!corpus.enabled) throw forbidden(`Corpus '${corpus.key}' is disabled; enable it to query it.`);
      const text = spec.query ?? plan.query;
      const lexical = parseLexicalQuery(text);
      const checked = prepareFilter(spec.metadata_filter, corpus.filter_attributes, {
        field: `${spec.field}.metadata_filter`,
        corpusKey: corpus.key,
        allowPart: true,
      });
      const filter: PartFilter | undefined = checked
        ? {
            ...compileFilter(checked, { docMetadata: 'd.metadata', docId: 'd.doc_id', partMetadata: 'p.metadata', partLang: 'p.lang', partIsTitle: 'p.is_title' }),
            documentsOnly: [...checked.attributes.values()].every((a) => (a.source === 'builtin' ? a.column === 'docId' : a.scope === 'doc')),
          }
        : undefined;
      out.push({
        corpus,
        spec,
        index,
        text,
        lexical,
        match: toFtsMatch(lexical),
        terms: await this.lexicalIndexes.termQuery(lexical),
        ...(filter ? { filter } : {}),
        lambda: spec.lexical_interpolation ?? defaultLexicalInterpolation(corpus.encoder_name),
        kind: embeddingKind(spec.semantics ?? 'default', corpus),
        weights: dimensionWeights(corpus, spec),
      });
    }
    return out;
  }

  private allWords(prepared: readonly PreparedCorpus[]): string[] {
    return [...new Set(prepared.flatMap((p) => p.lexical.words))];
  }

  /** Inverse document frequencies of the query words in the first corpus, for the built-in re-ranker. */
  private async idfOf(prepared: readonly PreparedCorpus[]): Promise<Map<string, number>> {
    const idf = new Map<string, number>();
    const first = prepared[0];
    if (first) {
      const corpusId = first.corpus.id;
      for (const w of this.allWords(prepared)) {
        const known = await this.lexicalIndexes.documentFrequency(corpusId, w);
        const n = known ? known.parts : Math.max(1, await this.storage.search.partCount(corpusId));
        const df = known ? known.df : await this.storage.search.matchCount(corpusId, `"${w.replaceAll('"', '""')}"`);
        idf.set(w, Math.log(1 + (Math.max(1, n) - df + 0.5) / (df + 0.5)));
      }
    }
    return idf;
  }

  private async embedQueries(prepared: readonly PreparedCorpus[]): Promise<Map<number, Float32Array>> {
    const out = new Map<number, Float32Array>();
    for (const p of prepared) {
      if (p.lambda >= 1) continue;
      const encoder = await this.encoders.resolve(p.corpus.encoder_name);
      const [vector] = await encoder.embed([p.text], p.kind);
      if (vector) out.set(p.index, vector);
    }
    return out;
  }

  // -- presentation --------------------------------------------------------------------------

  /**
   * The text of a result with its context (`context_configuration`), with or without the tags.
   * Each hit's neighbouring parts are read once per query, whoever asks: the re-rankers, the
   * page of results and the history span all share the read.
   */
  private contextReader(plan: QueryPlan): ContextReader {
    const c = plan.context;
    const around = new Map<number, Promise<{ parts: Array<{ text: string }>; at: number }>>();
    const hasChars = (c?.characters_before ?? 0) > 0 || (c?.characters_after ?? 0) > 0;
    const before = hasChars ? MAX_CONTEXT_PARTS : Math.min(MAX_CONTEXT_PARTS, Math.max(0, c?.sentences_before ?? 0));
    const after = hasChars ? MAX_CONTEXT_PARTS : Math.min(MAX_CONTEXT_PARTS, Math.max(0, c?.sentences_after ?? 0));
    const neighbours = (hit: HitRecord) => {
      let read = around.get(hit.id);
      if (!read) {
        read = this.storage.search.neighbours(hit.doc_seq, hit.part_index - before, hit.part_index + after).then((parts) => {
          const at = parts.findIndex((p) => p.part_index === hit.part_index);
          return at < 0 ? { parts: [{ text: hit.text }], at: 0 } : { parts, at };
        });
        around.set(hit.id, read);
      }
      return read;
    };
    return async (hit, tags) => {
      if (!c) return hit.text;
      const config = tags ? c : { ...c, start_tag: '', end_tag: '' };
      if (before === 0 && after === 0) return resultText([{ text: hit.text }], 0, config);
      const { parts, at } = await neighbours(hit);
      return resultText(parts, at, config);
    };
  }

  private async toResult(hit: HitRecord, score: number, corpusIndex: number, context: ContextReader): Promise<SearchResult> {
    const table = hit.table_id ? (hit.doc_tables as Array<{ id?: string }>).find((t) => t.id === hit.table_id) : undefined;
    return {
      text: await context(hit, true),
      score,
      part_metadata: partMetadata(hit),
      document_metadata: hit.doc_metadata,
      document_id: hit.doc_id,
      request_corpora_index: corpusIndex,
      ...(table ? { table } : {}),
    };
  }

  // -- history -------------------------------------------------------------------------------

  private async saveHistory(
    plan: QueryPlan,
    prepared: readonly PreparedCorpus[],
    startedAt: Date,
    latency: number,
    context: ContextReader,
    trace: {
      searchLatency: number;
      firstStage: Scored[];
      hits: Map<number, HitRecord>;
      outcomes: Awaited<ReturnType<typeof runStages>>;
      rerankLatency: number;
    },
    extra: HistoryExtra,
  ): Promise<string> {
    const id = extra.id ?? newHistoryId();
    const spans: Array<Record<string, unknown>> = [
      {
        type: 'search',
        latency_millis: Math.round(trace.searchLatency),
        started_at: startedAt.toISOString(),
        search_results: await Promise.all(
          trace.firstStage.map((s) => this.toResult(trace.hits.get(s.id)!, s.score, s.corpusIndex, context)),
        ),
      },
    ];
    for (const o of trace.outcomes) {
      spans.push({
        type: 'rerank',
        latency_millis: Math.round(trace.rerankLatency / Math.max(1, trace.outcomes.length)),
        started_at: new Date(startedAt.getTime() + Math.round(trace.searchLatency)).toISOString(),
        reranked_search_results: o.results.map((c) => ({ text: c.text, score: c.score, original_score: o.before.get(c.index) ?? c.score })),
      });
    }
    spans.push(...(extra.spans ?? []));
    await this.storage.queryHistory.create({
      id,
      query_text: plan.query,
      corpus_key: prepared[0]?.corpus.key ?? null,
      corpus_ids: prepared.map((p) => p.corpus.id),
      request: plan.asQueryRequest,
      chat_id: extra.chat_id ?? null,
      latency_millis: Math.round(latency),
      started_at: startedAt.toISOString(),
      spans,
      generation: extra.generation ?? null,
      factual_consistency_score: extra.factual_consistency_score ?? null,
    });
    return id;
  }
}

export const newHistoryId = (): string => `qry_${randomBytes(12).toString('base64url')}`;

function partMetadata(hit: HitRecord): Record<string, unknown> {
  return {
    ...hit.metadata,
    ...(hit.lang ? { lang: hit.lang } : {}),
    ...(hit.is_title ? { is_title: true } : {}),
  };
}

/**
 * Which side of an asymmetric encoder the query text is embedded as. `semantics: response` (or a
 * corpus whose queries are answers) embeds it as a document.
 */
function embeddingKind(semantics: string, corpus: CorpusRecord): EmbeddingKind {
  if (semantics === 'query') return 'query';
  if (semantics === 'response') return 'document';
  return corpus.queries_are_answers ? 'document' : 'query';
}

/** The corpus's querying defaults, overridden by the request; an undeclared dimension is a 400. */
function dimensionWeights(corpus: CorpusRecord, spec: CorpusSearch): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const d of corpus.custom_dimensions) if (d.querying_default !== 0) weights[d.name] = d.querying_default;
  for (const [name, w] of Object.entries(spec.custom_dimensions ?? {})) {
    if (!corpus.custom_dimensions.some((d) => d.name === name)) {
      throw invalidField(`${spec.field}.custom_dimensions`, `corpus '${corpus.key}' has no custom dimension '${name}'`);
    }
    weights[name] = w;
  }
  return weights;
}
