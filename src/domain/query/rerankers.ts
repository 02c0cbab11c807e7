import { BUILT_IN_RERANKER, type RerankerCatalog, type RerankerEntry } from '../../retrieval/rerank/catalog.js';
import { mmrOrder } from '../../retrieval/rerank/mmr.js';
import type { RerankStage, Rescore } from '../../retrieval/rerank/types.js';
import { compileUserFunction } from '../../retrieval/rerank/userfn/index.js';
import { invalidField } from '../errors.js';
import type { RerankerSpec } from './plan.js';

export const MAX_CHAIN_STAGES = 50;

/** Scorers only the query service can make: the built-in one needs corpus statistics, models the query. */
export interface ScorerFactories {
  catalog: RerankerCatalog;
  builtin: () => Rescore;
  model: (name: string) => Rescore;
}

/**
 * Turns a request's `reranker` into the stages the chain runner executes, checking everything
 * up front so a bad reranker is a 400 before any search runs. Vectara's legacy ids map as
 * PRODUCT.md lists; a chain may not nest further chains beyond MAX_CHAIN_STAGES stages in all.
 */
export function resolveStages(spec: RerankerSpec | undefined, scorers: ScorerFactories, field = 'search.reranker'): RerankStage[] {
  if (!spec) return [];
  const type = spec.type ?? 'customer_reranker';
  const common = {
    ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
    ...(spec.cutoff !== undefined ? { cutoff: spec.cutoff } : {}),
  };
  switch (type) {
    case 'chain': {
      const stages = spec.rerankers ?? [];
      if (stages.length === 0) throw invalidField(`${field}.rerankers`, 'a chain needs at least one reranker');
      const out = stages.flatMap((s, i) => resolveStages(s, scorers, `${field}.rerankers[${i}]`));
      if (out.length > MAX_CHAIN_STAGES) throw invalidField(`${field}.rerankers`, `a chain has at most ${MAX_CHAIN_STAGES} stages`);
      return out;
    }
    case 'none':
      return [{ kind: 'none', name: 'none', rescore: null, includeContext: false, ...(spec.limit !== undefined ? { limit: spec.limit } : {}) }];
    case 'mmr':
      return [mmrStage(spec.diversity_bias ?? 0, common, field)];
    case 'userfn':
      return [userfnStage(spec.user_function, common, field)];
    case 'customer_reranker': {
      const entry = named(spec, scorers.catalog, field);
      if (entry.kind === 'mmr') return [mmrStage(spec.diversity_bias ?? 0, common, field)];
      if (entry.kind === 'userfn') return [userfnStage(spec.user_function, common, field)];
      const model = entry.kind === 'model';
      return [{
        kind: 'customer_reranker',
        implementation: model ? 'model' : 'builtin',
        name: entry.name,
        rescore: model ? scorers.model(entry.name) : scorers.builtin(),
        includeContext: spec.include_context ?? true,
        ...common,
      }];
    }
    default:
      throw invalidField(`${field}.type`, `unknown reranker type '${type}': use customer_reranker, userfn, mmr, chain or none`);
  }
}

function named(spec: RerankerSpec, catalog: RerankerCatalog, field: string): RerankerEntry {
  if (spec.reranker_name !== undefined) {
    const entry = catalog.byName(spec.reranker_name);
    if (!entry) throw invalidField(`${field}.reranker_name`, `no reranker named '${spec.reranker_name}'; GET /v2/rerankers lists them`);
    return entry;
  }
  if (spec.reranker_id !== undefined) {
    const entry = catalog.byId(spec.reranker_id);
    if (!entry) throw invalidField(`${field}.reranker_id`, `no reranker with id '${spec.reranker_id}'; GET /v2/rerankers lists them`);
    return entry;
  }
  return catalog.byName(BUILT_IN_RERANKER)!;
}

function mmrStage(bias: number, common: { limit?: number; cutoff?: number }, field: string): RerankStage {
  if (!Number.isFinite(bias) || bias < 0 || bias > 1) throw invalidField(`${field}.diversity_bias`, 'must be between 0 and 1');
  return {
    kind: 'mmr',
    name: 'Maximum Marginal Relevance',
    rescore: null,
    order: (cs) => mmrOrder(cs, bias).map(({ index, score }) => ({ index: cs[index]!.index, score })),
    includeContext: false,
    ...common,
  };
}

function userfnStage(source: string | undefined, common: { limit?: number; cutoff?: number }, field: string): RerankStage {
  if (typeof source !== 'string' || source.trim() === '') throw invalidField(`${field}.user_function`, 'a userfn reranker needs a user_function');
  const fn = compileUserFunction(source, `${field}.user_function`);
  const now = new Date();
  return {
    kind: 'userfn',
    name: 'User Defined Function',
    rescore: (cs) =>
      cs.map((c) => fn.evaluate({ score: c.score, text: c.text, document_id: c.document_id, document_metadata: c.document_metadata, part_metadata: c.part_metadata }, now)),
    includeContext: false,
    ...common,
  };
}
