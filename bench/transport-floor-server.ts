/**
 * The indexing bench's transport floor: a bare fastify server, in its own process, that does with
 * each `POST /v2/corpora/{key}/documents` only what any server must: read the body, parse its JSON
 * and answer 201 with the document's id. No authentication, validation, chunking, language
 * detection, embedding or storage.
 *
 *   node --import tsx bench/transport-floor-server.ts [--exit-with-stdin]
 *
 * Bound to 127.0.0.1 on a free port; prints one JSON line {"port":…,"pid":…,"ownerKey":""} when
 * listening, like bench/server.ts. Driven by the same client as Quarry, its parts per second are
 * an upper bound for any server on this machine and client: the part of the bench's ratio that
 * HTTP alone leaves.
 */
import Fastify from 'fastify';
import { buildConfig } from '../src/config/load.js';

// Quarry's default body limit, so that the same requests are accepted.
const app = Fastify({ logger: false, bodyLimit: buildConfig({}).body_limit_bytes });
app.post<{ Params: { key: string }; Body: { id?: unknown } }>('/v2/corpora/:key/documents', async (req, reply) =>
  reply.code(201).send({ id: typeof req.body?.id === 'string' ? req.body.id : '', metadata: {} }),
);

if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, pid: process.pid, ownerKey: '' })}\n`);
