import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Reads Vectara's OpenAPI description of the in-scope operations (shared reference data, never
 * copied into the project) and validates our responses against its schemas.
 */
export const SPEC_PATH = fileURLToPath(new URL('../../../shared/api/vectara-v2-in-scope.yaml', import.meta.url));

type Json = any;

export interface SpecOperation {
  operationId: string;
  method: string;
  /** OpenAPI path template, e.g. /v2/corpora/{corpus_key} */
  path: string;
  responses: Record<string, Json>;
  requestBody?: Json;
  security?: Json[];
}

let cached: { doc: Json; ops: SpecOperation[]; ajv: Ajv } | undefined;

/**
 * OpenAPI 3.0 to JSON Schema: `nullable`, and discriminators ajv cannot compile as written. A
 * discriminated `oneOf` whose branches only differ by the discriminator's value (all their fields
 * optional) would match several branches at once; it becomes "at least one branch, and the branch
 * the discriminator names when it is present".
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'discriminator') continue;
    out[k] = toJsonSchema(v);
  }
  const d = node.discriminator;
  if (d?.propertyName && d.mapping && Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
    out.allOf = Object.entries<string>(d.mapping).map(([value, ref]) => ({
      if: { properties: { [d.propertyName]: { const: value } }, required: [d.propertyName] },
      then: { $ref: ref },
    }));
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function load() {
  if (cached) return cached;
  const doc = parse(readFileSync(SPEC_PATH, 'utf8'));
  const ops: SpecOperation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (op) ops.push({ operationId: op.operationId, method: method.toUpperCase(), path, responses: op.responses ?? {}, requestBody: op.requestBody, security: op.security });
    }
  }
  // The spec's CorpusKey pattern escapes '=', which is invalid under the regex `u` flag.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, unicodeRegExp: false });
  type AddFormats = (a: Ajv) => Ajv;
  ((addFormatsModule as unknown as { default: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats))(ajv);
  for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'sse']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'spec', components: toJsonSchema(doc.components) });
  cached = { doc, ops, ajv };
  return cached;
}

export function specOperations(): SpecOperation[] {
  return load().ops;
}

export function specSchema(name: string): Json {
  return load().doc.components.schemas[name];
}

const validators = new Map<string, ValidateFunction>();

function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : rewriteRefs(v);
  }
  return out;
}

/**
 * Validates a response body against the spec's schema for that operation and status.
 * Returns the list of problems (empty when valid), so tests can `expect(...).toEqual([])`.
 */
export function specProblems(operationId: string, status: number, body: unknown): string[] {
  const { ops, ajv } = load();
  const op = ops.find((o) => o.operationId === operationId);
  if (!op) return [`operation ${operationId} is not in the spec`];
  const response = op.responses[String(status)];
  if (!response) return [`status ${status} is not documented for ${operationId} (documented: ${Object.keys(op.responses).join(', ')})`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return body === undefined || body === null || body === '' ? [] : [`${operationId} ${status} has no JSON body in the spec`];
  const key = `${operationId} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(toJsonSchema(schema)));
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Validates against a named schema of the spec's components (e.g. the error bodies). */
export function schemaProblems(name: string, body: unknown): string[] {
  const { ajv } = load();
  const validate = ajv.getSchema(`spec#/components/schemas/${name}`);
  if (!validate) return [`schema ${name} is not in the spec`];
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
