import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildVectors } from '../../src/domain/documents/rebuild-vectors.js';
import { client, startTestApp } from '../helpers/app.js';

describe('vectors can be rebuilt from the database', () => {
  it('re-embeds every part from its stored text and gets the same vectors back', async () => {
    const server = await startTestApp();
    try {
      const api = client(server.app, server.ownerKey);
      await api.post('/v2/corpora', { key: 'docs' });
      for (let i = 0; i < 5; i++) {
        const res = await api.post('/v2/corpora/docs/documents', {
          id: `d${i}`,
          type: 'structured',
          title: `Document ${i}`,
          sections: [{ text: `The cat number ${i} sat on the mat. Dogs barked at the ${i} birds.` }],
        });
        expect(res.status).toBe(201);
      }
      const db = new Database(join(server.dataDir, 'quarry.db'));
      const read = () => db.prepare('SELECT id, vector FROM parts ORDER BY id').all() as Array<{ id: number; vector: Buffer }>;
      const before = read();
      // Spoil the stored vectors, then rebuild them from the text.
      db.prepare('UPDATE parts SET vector = zeroblob(length(vector))').run();
      expect(read().every((r) => r.vector.every((b) => b === 0))).toBe(true);
      const corpus = (await server.app.storage.corpora.getByKey('docs'))!;
      const seen: number[] = [];
      const done = await rebuildVectors(server.app.storage, server.app.services.encoders, corpus, (n) => seen.push(n));
      expect(done).toBe(before.length);
      expect(seen.at(-1)).toBe(before.length);
      expect(read()).toEqual(before);
      db.close();
    } finally {
      await server.close();
    }
  });
});
