import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { QuarryError } from '../../domain/errors.js';

/**
 * JSON bodies are read as bytes and refused unless they are valid UTF-8: decoding would
 * otherwise replace bad bytes with U+FFFD and index corrupted text without a word. Parsing
 * guards against prototype poisoning, as fastify's own parser does.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(new QuarryError(400, 'The JSON request body is empty.', { fieldErrors: {} }), undefined);
    if (!isUtf8(bytes)) {
      return done(new QuarryError(400, 'The request body is not valid UTF-8.', { fieldErrors: {} }), undefined);
    }
    try {
      done(null, secureJson.parse(bytes.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      done(new QuarryError(400, `The request body is not valid JSON: ${(err as Error).message}`, { fieldErrors: {} }), undefined);
    }
  });
}
