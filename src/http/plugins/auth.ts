import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { Authenticator } from '../../auth/authenticate.js';
import { authorize } from '../../auth/authorize.js';
import { readCredential, type Credential } from '../../auth/credentials.js';
import { POLICY, type CorpusSource, type OperationPolicy } from '../../auth/policy.js';
import type { Principal } from '../../auth/principal.js';
import { forbidden } from '../../domain/errors.js';
import type { OperationId } from '../operations.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: OperationId;
  }
  interface FastifyRequest {
    /** Set by the authenticate hook on every non-public operation. */
    principal: Principal | null;
  }
}

export interface AuthOptions {
  authenticator: Authenticator;
  /** Benchmarks only: serve without the authentication and policy hooks, to measure their cost. */
  disabled?: boolean;
}

function corporaBeforeBody(request: FastifyRequest, policy: OperationPolicy): string[] {
  const source = policy.corpus;
  if (source?.in === 'path') {
    const key = (request.params as Record<string, string | undefined>).corpus_key;
    return key ? [key] : [];
  }
  if (source?.in === 'query') {
    // One corpus_key, or several (jobs take a list): every one named must be allowed.
    const key = (request.query as Record<string, unknown>).corpus_key;
    const keys = Array.isArray(key) ? key : [key];
    return keys.filter((k): k is string => typeof k === 'string' && k !== '');
  }
  return [];
}

/**
 * Authentication and authorization, in one place for every operation:
 *  - at registration, a route without an entry in the permission table stops the app from starting;
 *  - onRequest (before the body is read): the credential is authenticated (401) and checked against
 *    the operation's key type, roles and the corpora named in the path or query (403);
 *  - preValidation: corpora named in the body are checked the same way.
 * So an unauthenticated or forbidden caller learns nothing from 400, 404 or 501 answers.
 */
export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  app.decorateRequest('principal', null);
  const { authenticator } = opts;

  const authenticateSlowly = async (request: FastifyRequest, policy: OperationPolicy, credential: Credential, named: string[]): Promise<void> => {
    const principal = await authenticator.authenticate(credential);
    request.principal = principal;
    const denied = authorize(principal, policy, named.length ? await authenticator.resolveCorpora(named) : []);
    if (denied) throw forbidden(denied);
  };

  // One hook per route, closed over the route's policy (request.routeOptions builds an object on
  // every read). Callback style, so that a request answered from the cache costs no promise.
  const authenticateFor = (policy: OperationPolicy): onRequestHookHandler => (request, _reply, done) => {
    const credential = readCredential(request.headers);
    const named = corporaBeforeBody(request, policy);
    // The request's bytes have been read: the look-ups below wait for an auth-epoch read that
    // starts after this point, shared with the other requests of this turn of the event loop.
    authenticator.whenFresh((err) => {
      if (err) return done(err as Error);
      let outcome: Error | undefined;
      try {
        const cached = authenticator.fromCache(credential, named);
        if (!cached) return void authenticateSlowly(request, policy, credential, named).then(() => done(), done);
        request.principal = cached.principal;
        const denied = authorize(cached.principal, policy, cached.corpora);
        if (denied) outcome = forbidden(denied);
      } catch (e) {
        outcome = e as Error;
      }
      done(outcome);
    });
  };

  const authorizeBodyFor = (policy: OperationPolicy, source: Extract<CorpusSource, { in: 'body' }>) =>
    async (request: FastifyRequest): Promise<void> => {
      const named = source.select(request.body);
      if (named.length === 0 || !request.principal) return;
      const denied = authorize(request.principal, policy, await authenticator.resolveCorpora(named));
      if (denied) throw forbidden(denied);
    };

  // Hooks are attached per route, and only where they apply, so that public routes and routes
  // without body-named corpora pay nothing for them.
  app.addHook('onRoute', (route) => {
    const id = (route.config as { operationId?: OperationId } | undefined)?.operationId;
    if (!['/v2', '/oauth', '/quarry/'].some((prefix) => route.url.startsWith(prefix))) return;
    const policy = id ? POLICY[id] : undefined;
    if (!policy) throw new Error(`route ${route.method} ${route.url} has no entry in the permission table`);
    if (opts.disabled || policy.public) return;
    route.onRequest = [authenticateFor(policy), ...toArray(route.onRequest)] as typeof route.onRequest;
    if (policy.corpus?.in === 'body') {
      route.preValidation = [authorizeBodyFor(policy, policy.corpus), ...toArray(route.preValidation)] as typeof route.preValidation;
    }
  });
}

const toArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The principal of a request that passed the hooks; route handlers of non-public operations use it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('no principal on an authenticated route');
  return request.principal;
}
