/**
 * Field checks that belong to ingestion rather than to the JSON schema: well-formed Unicode
 * (a lone UTF-16 surrogate cannot be stored as UTF-8 without silently changing the text), finite
 * custom dimensions, and tolerant reading of optional fields. Each failure is a 400 whose
 * field_errors key is the dotted path of the offending field (e.g. "document_parts.3.text").
 */
import { invalidField } from '../domain/errors.js';
import type { Metadata } from './types.js';

/** Matches an unpaired surrogate: in /u mode a proper pair is one code point, not a surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;

const NOT_WELL_FORMED = 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';

/** A required string field. */
export function requireText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidField(path, 'must be a string');
  if (LONE_SURROGATE.test(value)) throw invalidField(path, NOT_WELL_FORMED);
  return value;
}

/** An optional string field: undefined and null read as absent. */
export function optionalText(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : requireText(value, path);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A metadata object (null or absent reads as {}). Returns a shallow copy so parts never alias
 * the request body. Every string inside, keys included, must be well-formed Unicode.
 */
export function readMetadata(value: unknown, path: string): Metadata {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalidField(path, 'must be an object');
  // Iterative walk: metadata is arbitrary JSON and may nest deeply.
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length > 0) {
    const [item, at] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) throw invalidField(at, NOT_WELL_FORMED);
    } else if (Array.isArray(item)) {
      item.forEach((child, i) => stack.push([child, `${at}.${i}`]));
    } else if (isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) {
        if (LONE_SURROGATE.test(key)) throw invalidField(at, `a key ${NOT_WELL_FORMED}`);
        stack.push([child, `${at}.${key}`]);
      }
    }
  }
  return { ...value };
}

/** Custom dimensions: an object of finite numbers (null or absent reads as {}). */
export function readCustomDimensions(value: unknown, path: string): Record<string, number> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalidField(path, 'must be an object of numbers');
  const out: Record<string, number> = {};
  for (const [key, dimension] of Object.entries(value)) {
    if (typeof dimension !== 'number' || !Number.isFinite(dimension)) {
      throw invalidField(`${path}.${key}`, 'must be a finite number');
    }
    if (LONE_SURROGATE.test(key)) throw invalidField(path, `a key ${NOT_WELL_FORMED}`);
    out[key] = dimension;
  }
  return out;
}

/** An optional array field: undefined and null read as []. */
export function optionalArray<T>(value: T[] | null | undefined, path: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(path, 'must be an array');
  return value;
}

/** True when `text` has something besides whitespace. */
export const hasContent = (text: string): boolean => text.trim().length > 0;
