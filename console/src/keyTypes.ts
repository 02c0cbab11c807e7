import type { ApiKeyRole } from './types';

export const KEY_TYPES: { role: ApiKeyRole; label: string; help: string }[] = [
  {
    role: 'serving',
    label: 'QueryService',
    help: 'Can only query the corpora you pick. The only kind of key that is safe in browser or app code.',
  },
  {
    role: 'serving_and_indexing',
    label: 'IndexService',
    help: 'Can add documents to and query the corpora you pick. Keep it on servers, never in browser code.',
  },
  {
    role: 'personal',
    label: 'Personal',
    help: 'Can do everything your user may do across the account. Never in browser code, and never shared.',
  },
];

export function typeLabel(role: ApiKeyRole): string {
  return KEY_TYPES.find((t) => t.role === role)?.label ?? role;
}
