import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { POLICY } from '../src/auth/policy.js';
import { OPERATIONS } from '../src/http/operations.js';
import { registerAuth } from '../src/http/plugins/auth.js';
import { startTestApp } from './helpers/app.js';
import { specOperations } from './helpers/spec.js';

const toFastify = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

describe('every operation of the spec is served and governed', () => {
  const spec = specOperations();

  it('the spec lists the 62 operations of the seed', () => {
    expect(spec).toHaveLength(62);
  });

  it.each(spec.map((o) => [o.operationId, o.method, o.path] as const))('%s (%s %s) has a route and a policy', async (id, method, path) => {
    const ours = OPERATIONS.find(([opId]) => opId === id);
    expect(ours, `no operation ${id} in src/http/operations.ts`).toBeDefined();
    expect(ours![1]).toBe(method);
    expect(ours![2]).toBe(toFastify(path));
    expect(POLICY[id as keyof typeof POLICY]).toBeDefined();
  });

  it('the running app has a route for each of them', async () => {
    const server = await startTestApp();
    try {
      for (const o of spec) {
        const url = toFastify(o.path).replace(/:(\w+)/g, 'x');
        expect(server.app.hasRoute({ method: o.method as 'GET', url: toFastify(o.path) }), `${o.method} ${url}`).toBe(true);
      }
    } finally {
      await server.close();
    }
  });

  it('the app refuses to start when a route has no policy entry', async () => {
    const app = Fastify();
    registerAuth(app, { authenticator: {} as never });
    app.route({ method: 'GET', url: '/v2/corpora', config: { operationId: 'listCorpora' }, handler: async () => ({}) });
    expect(() => app.route({ method: 'GET', url: '/v2/unlisted', handler: async () => ({}) })).toThrow(
      /no entry in the permission table/,
    );
    await app.close();
  });
});
