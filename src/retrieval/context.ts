/**
 * The text a search result shows: the matched part, optionally wrapped in tags, with the parts
 * around it as Vectara's `context_configuration` asks.
 *
 * Rules, and the documentation they rest on (the `ContextConfiguration` schema of the v2 OpenAPI
 * spec, vectara/vectara-docs www/static/vectara-oas-v2.yaml; the v1 `ContextConfig` proto says the
 * same; https://docs.vectara.com/docs/search-and-retrieval/configure-query-parameters):
 * - Each side is decided on its own. `sentences_before` wins over `characters_before` (the
 *   characters are ignored when sentences are set), and likewise `sentences_after` over
 *   `characters_after`. All four default to 0, so "set" means greater than 0 here. The guide says
 *   a request should use one kind or the other; rejecting a mix is the validator's job.
 * - `sentences_*` = k adds the k parts before (after) the hit, as far as the document goes.
 * - `characters_*` = N: Vectara widens the captured characters to the whole sentence containing
 *   them, so it never returns a cut word or sentence. We do the same with parts: take the last N
 *   characters of the preceding text (the first N of the following text), then widen to the
 *   whole parts those characters touch. Nothing is ever cut mid-word; the result contains at
 *   least the N characters asked for (when the document has them) and usually a little more.
 *   A window that just reaches the joining space before a part does not pull that part in.
 *   Lengths are UTF-16 code units; since we only ever cut at part boundaries this affects only
 *   where the threshold falls, never splits a character.
 * - The tags mark where the context before ends and the matched part begins (and ends), so they
 *   wrap exactly the hit's text, with or without context, whenever they are given. A missing tag
 *   is the empty string.
 * - Parts are joined with a single space (the docs do not say how; this is our choice). No
 *   context and no tags gives exactly the hit's text.
 * - Negative or fractional counts are floored and clamped to 0 (validation happens elsewhere).
 */
export interface ContextConfig {
  sentences_before?: number;
  sentences_after?: number;
  characters_before?: number;
  characters_after?: number;
  start_tag?: string;
  end_tag?: string;
}

const SEPARATOR = ' ';

/** `parts` are the document's parts in order (each usually one sentence); `hit` is the matched one. */
export function resultText(parts: readonly { text: string }[], hit: number, config: ContextConfig | undefined): string {
  if (!Number.isInteger(hit) || hit < 0 || hit >= parts.length) {
    throw new RangeError(`hit ${hit} is not a part index (0..${parts.length - 1})`);
  }
  const c = config ?? {};
  const sentencesBefore = count(c.sentences_before);
  const sentencesAfter = count(c.sentences_after);
  const first =
    sentencesBefore > 0 ? Math.max(0, hit - sentencesBefore) : firstPartCovering(parts, hit, count(c.characters_before));
  const last =
    sentencesAfter > 0
      ? Math.min(parts.length - 1, hit + sentencesAfter)
      : lastPartCovering(parts, hit, count(c.characters_after));

  const pieces: string[] = [];
  for (let i = first; i < hit; i++) pieces.push(parts[i]!.text);
  pieces.push(`${c.start_tag ?? ''}${parts[hit]!.text}${c.end_tag ?? ''}`);
  for (let i = hit + 1; i <= last; i++) pieces.push(parts[i]!.text);
  return pieces.join(SEPARATOR);
}

/**
 * The first part to show so that the shown preceding text covers its last `chars` characters,
 * i.e. the part in which that window starts. Returns `hit` when no preceding part is needed.
 */
function firstPartCovering(parts: readonly { text: string }[], hit: number, chars: number): number {
  let remaining = chars;
  let first = hit;
  for (let i = hit - 1; i >= 0 && remaining > 0; i--) {
    first = i;
    remaining -= parts[i]!.text.length;
    // The separator before this part: only worth crossing if the window extends past it.
    remaining -= SEPARATOR.length;
  }
  return first;
}

/** Mirror of firstPartCovering: the last part the first `chars` following characters reach. */
function lastPartCovering(parts: readonly { text: string }[], hit: number, chars: number): number {
  let remaining = chars;
  let last = hit;
  for (let i = hit + 1; i < parts.length && remaining > 0; i++) {
    last = i;
    remaining -= parts[i]!.text.length;
    remaining -= SEPARATOR.length;
  }
  return last;
}

/** A count as given: floored, with negatives and NaN treated as 0 (Infinity means "all"). */
function count(n: number | undefined): number {
  return typeof n === 'number' && n > 0 ? Math.floor(n) : 0;
}
