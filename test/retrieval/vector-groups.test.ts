import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupIdentical } from '../../src/retrieval/vector-groups.js';

describe('grouping identical vectors', () => {
  it('puts rows in the same group exactly when their vectors are equal, rows ascending', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (picks, dims) => {
        // Rows drawn from six distinct vectors (-0 and 0 differ in bits and stay apart).
        const pool = Array.from({ length: 6 }, (_, v) => Float32Array.from({ length: dims }, (_, d) => (v === 5 && d === 0 ? -0 : v * 10 + d)));
        const data = new Float32Array(picks.length * dims);
        picks.forEach((v, r) => data.set(pool[v]!, r * dims));
        const g = groupIdentical(data, dims, picks.length);
        expect(g.count).toBe(new Set(picks).size);
        const groupOf = new Map<number, number>();
        for (let grp = 0; grp < g.count; grp++) {
          const rows = [...g.members.subarray(g.start[grp]!, g.start[grp + 1]!)];
          expect(rows).toEqual([...rows].sort((a, b) => a - b));
          expect(rows[0]).toBe(g.first[grp]);
          for (const r of rows) groupOf.set(r, grp);
        }
        for (let a = 0; a < picks.length; a++) {
          for (let b = 0; b < picks.length; b++) expect(groupOf.get(a) === groupOf.get(b)).toBe(picks[a] === picks[b]);
        }
      }),
    );
  });
});
