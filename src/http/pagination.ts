import { Type } from '@sinclair/typebox';
import { invalidField } from '../domain/errors.js';

/**
 * Vectara list paging: `limit` and `page_key` in, `metadata.page_key` out, absent on the last page.
 * A page key is opaque to clients: base64url JSON naming the list it belongs to and the position
 * after which the next page starts, so a key from another list, or a made-up one, is a clear 400.
 */
export const pagingQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  page_key: Type.Optional(Type.String({ maxLength: 1024 })),
};

export function decodePageKey(list: string, pageKey: string | undefined): number | undefined {
  if (pageKey === undefined || pageKey === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(pageKey, 'base64url').toString('utf8')) as { l?: unknown; a?: unknown };
    if (parsed.l === list && Number.isSafeInteger(parsed.a) && (parsed.a as number) >= 0) return parsed.a as number;
  } catch {
    // fall through to the 400 below
  }
  throw invalidField('page_key', `is not a page key of this ${list} list; pass the value from metadata.page_key`);
}

export function listMetadata(list: string, next: number | undefined): { page_key?: string } {
  if (next === undefined) return {};
  return { page_key: Buffer.from(JSON.stringify({ l: list, a: next })).toString('base64url') };
}

/**
 * One page of a list held in memory (built-in catalogues): the items and the metadata, paged by
 * position so the same page keys work as for stored lists.
 */
export function pageOf<T>(list: string, all: readonly T[], limit: number, pageKey: string | undefined): { items: T[]; metadata: { page_key?: string } } {
  const start = decodePageKey(list, pageKey) ?? 0;
  const next = start + limit < all.length ? start + limit : undefined;
  return { items: all.slice(start, start + limit), metadata: listMetadata(list, next) };
}
