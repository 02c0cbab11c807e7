import type { Page, PageRequest } from '../storage/types.js';
import { checkRegex } from './regex.js';

/** Positions below this belong to built-in or configured entries; stored ones are numbered from it. */
export const FIRST_STORED_POSITION = 100;

/**
 * One paging order over built-in or configured entries (positions 1..99) followed by stored ones
 * (positions from 100, their numeric ids), as encoder and LLM lists show them. `filter` is the
 * request's name pattern, checked here (a bad one is a 400) and passed to storage as well.
 */
export async function listFixedThenStored<V extends { name: string }, R>(
  fixed: readonly V[],
  page: PageRequest,
  filter: string | undefined,
  stored: (page: PageRequest, nameRegex: string | undefined) => Promise<Page<R>>,
  shown: (record: R) => { pos: number; view: V },
): Promise<Page<V>> {
  const re = checkRegex('filter', filter);
  const after = page.after ?? 0;
  const entries = fixed
    .map((view, i) => ({ pos: i + 1, view }))
    .filter((e) => e.pos > after && (!re || new RegExp(re).test(e.view.name)));
  const rest = await stored({ limit: page.limit, after: Math.max(after, FIRST_STORED_POSITION - 1) }, re);
  entries.push(...rest.items.map(shown));
  const first = entries.slice(0, page.limit);
  const more = entries.length > page.limit || rest.next !== undefined;
  return { items: first.map((e) => e.view), ...(more ? { next: first.at(-1)!.pos } : {}) };
}
