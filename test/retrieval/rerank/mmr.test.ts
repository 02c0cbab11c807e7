/**
 * MMR re-ranking: worked examples with hand-computed orders and scores, then properties checked
 * against a naive reference implementation and the limiting cases of the bias.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mmrOrder, type MmrCandidate } from '../../../src/retrieval/rerank/mmr.js';

/** A normalised Float32Array, or null for the zero vector. */
function unit(...xs: number[]): Float32Array | null {
  const norm = Math.hypot(...xs);
  return norm === 0 ? null : Float32Array.from(xs.map((x) => x / norm));
}

function dot(a: Float32Array | null, b: Float32Array | null): number {
  if (a === null || b === null) return 0;
  let s = 0;
  for (let d = 0; d < Math.min(a.length, b.length); d++) s += a[d]! * b[d]!;
  return s;
}

const indices = (r: Array<{ index: number }>) => r.map((x) => x.index);
const scores = (r: Array<{ score: number }>) => r.map((x) => x.score);

const E1 = unit(1, 0);
const E2 = unit(0, 1);

describe('mmrOrder: examples', () => {
  it('returns nothing for no candidates', () => {
    expect(mmrOrder([], 0.5)).toEqual([]);
  });

  it('bias 0 orders by score, ties in input order, scores min-max normalised', () => {
    const cs: MmrCandidate[] = [0.2, 0.9, 0.5, 0.9].map((score) => ({ score, vector: E1 }));
    const r = mmrOrder(cs, 0);
    expect(indices(r)).toEqual([1, 3, 2, 0]);
    const s = scores(r);
    expect(s[0]).toBe(1);
    expect(s[1]).toBe(1);
    expect(s[2]).toBeCloseTo(0.3 / 0.7, 12);
    expect(s[3]).toBe(0);
  });

  it('all-equal scores count as relevance 1', () => {
    const cs: MmrCandidate[] = [{ score: 3, vector: null }, { score: 3, vector: null }];
    const r = mmrOrder(cs, 0.25);
    expect(indices(r)).toEqual([0, 1]);
    // (1 − 0.25) · 1 − 0.25 · 0 for both (null vectors are similarity 0).
    expect(scores(r)).toEqual([0.75, 0.75]);
  });

  it('a moderate bias demotes a near-duplicate below a less relevant but different result', () => {
    // rel: A = 1, B = 0.8, C = 0. B duplicates A; C is orthogonal to both.
    const cs: MmrCandidate[] = [
      { score: 1.0, vector: E1 },
      { score: 0.9, vector: E1 },
      { score: 0.5, vector: E2 },
    ];
    const r = mmrOrder(cs, 0.5);
    expect(indices(r)).toEqual([0, 2, 1]);
    // A: 0.5 · 1; then C: 0.5 · 0 − 0.5 · 0 beats B: 0.5 · 0.8 − 0.5 · 1; then B.
    expect(scores(r)[0]).toBeCloseTo(0.5, 12);
    expect(scores(r)[1]).toBeCloseTo(0, 12);
    expect(scores(r)[2]).toBeCloseTo(-0.1, 6);
  });

  it('a small bias keeps the duplicate when its relevance outweighs the penalty', () => {
    const cs: MmrCandidate[] = [
      { score: 1.0, vector: E1 },
      { score: 0.9, vector: E1 },
      { score: 0.5, vector: E2 },
    ];
    const r = mmrOrder(cs, 0.3);
    expect(indices(r)).toEqual([0, 1, 2]);
    expect(scores(r)[0]).toBeCloseTo(0.7, 12);
    expect(scores(r)[1]).toBeCloseTo(0.7 * 0.8 - 0.3, 6);
    expect(scores(r)[2]).toBeCloseTo(0, 12);
  });

  it('bias 1 ignores relevance except to break ties: the top score first, then the least similar', () => {
    const cs: MmrCandidate[] = [
      { score: 0.1, vector: unit(1, 0) },
      { score: 0.9, vector: unit(1, 0) },
      { score: 0.5, vector: unit(0, 1) },
      { score: 0.7, vector: unit(-1, 0) },
      { score: 0.8, vector: unit(-1, 0) },
    ];
    const r = mmrOrder(cs, 1);
    // Every objective is 0 at the first step: the tie goes to the highest score.
    expect(r[0]).toEqual({ index: 1, score: 0 });
    // Then −cos with index 1: candidates 3 and 4 (cos −1) tie; 4 has the higher score.
    expect(r[1]!.index).toBe(4);
    expect(r[1]!.score).toBeCloseTo(1, 6);
  });

  it('uses the running maximum similarity to all picked results', () => {
    // After picking 0 (x axis) and 2 (y axis), 1 is close to the y axis, 3 is between.
    const cs: MmrCandidate[] = [
      { score: 4, vector: unit(1, 0, 0) },
      { score: 3, vector: unit(0.1, 1, 0) },
      { score: 2, vector: unit(0, 1, 0) },
      { score: 1, vector: unit(0, 0, 1) },
    ];
    const r = mmrOrder(cs, 0.9);
    // Step 2 (after 0): 1 has cos ≈ 0.0995, 2 and 3 have 0; 2 has more relevance than 3.
    // Step 3: 1 now has cos ≈ 0.995 with 2, 3 still 0 → 3 before 1.
    expect(indices(r)).toEqual([0, 2, 3, 1]);
  });

  it('limit stops early; 0 gives nothing; more than n gives all', () => {
    const cs: MmrCandidate[] = [3, 1, 2].map((score) => ({ score, vector: null }));
    expect(indices(mmrOrder(cs, 0, 2))).toEqual([0, 2]);
    expect(mmrOrder(cs, 0, 0)).toEqual([]);
    expect(indices(mmrOrder(cs, 0, 10))).toEqual([0, 2, 1]);
  });

  it('clamps the bias into [0, 1]', () => {
    const cs: MmrCandidate[] = [
      { score: 1.0, vector: E1 },
      { score: 0.9, vector: E1 },
      { score: 0.5, vector: E2 },
    ];
    expect(mmrOrder(cs, -3)).toEqual(mmrOrder(cs, 0));
    expect(mmrOrder(cs, 7)).toEqual(mmrOrder(cs, 1));
  });

  it('handles 1000 candidates of dimension 256 quickly', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const cs: MmrCandidate[] = Array.from({ length: 1000 }, (_, i) => ({
      score: 1 - i / 1000,
      vector: unit(...Array.from({ length: 256 }, rand)),
    }));
    const started = performance.now();
    const r = mmrOrder(cs, 0.4);
    const elapsed = performance.now() - started;
    expect(new Set(indices(r)).size).toBe(1000);
    expect(elapsed).toBeLessThan(5000);
  });
});

// -- properties ------------------------------------------------------------------------------

/** Small integer coordinates give exact duplicates and ties often; zero vectors become null. */
const vectorArb = (dim: number) =>
  fc.option(
    fc.array(fc.integer({ min: -2, max: 2 }), { minLength: dim, maxLength: dim }).map((xs) => unit(...xs)),
    { nil: null, freq: 5 },
  );

const scoreArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -5, max: 5, noNaN: true }));

const candidatesArb = (coords: 'any' | 'nonNegative' = 'any') =>
  fc.integer({ min: 1, max: 4 }).chain((dim) =>
    fc.array(
      fc.record({
        score: scoreArb,
        vector:
          coords === 'any'
            ? vectorArb(dim)
            : fc.array(fc.integer({ min: 0, max: 2 }), { minLength: dim, maxLength: dim }).map((xs) => unit(...xs)),
      }),
      { maxLength: 25 },
    ),
  );

const biasArb = fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 0, max: 1, noNaN: true }));

/** The definition, computed the slow way: recompute every max similarity at every step. */
function reference(cs: readonly MmrCandidate[], bias: number, limit = cs.length) {
  const ss = cs.map((c) => c.score);
  const min = Math.min(...ss);
  const range = Math.max(...ss) - min;
  const rel = ss.map((s) => (range > 0 ? (s - min) / range : 1));
  const picked: number[] = [];
  const out: Array<{ index: number; score: number }> = [];
  while (out.length < Math.min(limit, cs.length)) {
    let best = -1;
    let bestValue = -Infinity;
    cs.forEach((c, i) => {
      if (picked.includes(i)) return;
      const penalty = picked.length === 0 ? 0 : Math.max(...picked.map((j) => dot(c.vector, cs[j]!.vector)));
      const value = (1 - bias) * rel[i]! - bias * penalty;
      const better = value > bestValue || (value === bestValue && c.score > cs[best]!.score);
      if (best === -1 || better) [best, bestValue] = [i, value];
    });
    picked.push(best);
    out.push({ index: best, score: bestValue });
  }
  return out;
}

describe('mmrOrder: properties', () => {
  it('agrees with the naive definition', () => {
    fc.assert(
      fc.property(candidatesArb(), biasArb, (cs, bias) => {
        expect(mmrOrder(cs, bias)).toEqual(reference(cs, bias));
      }),
      { numRuns: 500 },
    );
  });

  it('returns min(limit, n) distinct indices: the first picks of the full order', () => {
    fc.assert(
      fc.property(candidatesArb(), biasArb, fc.integer({ min: 0, max: 30 }), (cs, bias, limit) => {
        const full = mmrOrder(cs, bias);
        expect([...indices(full)].sort((a, b) => a - b)).toEqual(cs.map((_, i) => i));
        const limited = mmrOrder(cs, bias, limit);
        expect(limited).toHaveLength(Math.min(limit, cs.length));
        expect(limited).toEqual(full.slice(0, limit));
      }),
      { numRuns: 500 },
    );
  });

  it('bias 0 is the score order, ties in input order', () => {
    fc.assert(
      fc.property(candidatesArb(), (cs) => {
        const expected = cs
          .map((c, i) => ({ i, s: c.score }))
          .sort((a, b) => b.s - a.s || a.i - b.i)
          .map((x) => x.i);
        expect(indices(mmrOrder(cs, 0))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('bias 1: the first pick is the top score, the second the least similar to it', () => {
    /** Best by `key`, ties to the higher score, then the earlier index. */
    const argBest = (cs: readonly MmrCandidate[], among: number[], key: (i: number) => number) =>
      among.reduce((b, i) => (key(i) > key(b) || (key(i) === key(b) && cs[i]!.score > cs[b]!.score) ? i : b));
    fc.assert(
      fc.property(
        candidatesArb().filter((cs) => cs.length >= 2),
        (cs) => {
          const r = mmrOrder(cs, 1);
          const all = cs.map((_, i) => i);
          const first = argBest(cs, all, (i) => cs[i]!.score);
          expect(r[0]!.index).toBe(first);
          const rest = all.filter((i) => i !== first);
          const least = argBest(cs, rest, (i) => -dot(cs[first]!.vector, cs[i]!.vector));
          expect(r[1]!.index).toBe(least);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('scores never rise when similarities are non-negative', () => {
    fc.assert(
      fc.property(candidatesArb('nonNegative'), biasArb, (cs, bias) => {
        const s = scores(mmrOrder(cs, bias));
        for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]! + 1e-12);
      }),
      { numRuns: 500 },
    );
  });
});
