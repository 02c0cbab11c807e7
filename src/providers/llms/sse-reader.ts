/**
 * Server-sent events out of a streamed response body, as they arrive.
 *
 * Contract: yields each complete event (`event` name when given, `data` joined per the SSE rules)
 * in order. When the body ends cleanly, an unterminated last event is still delivered. Lines that
 * are not SSE fields are ignored, as the SSE standard says; `stats` lets the caller tell "not an
 * event stream at all" (no events, `head` shows what came instead) from "an event stream that
 * stopped early". A line or event larger than `maxBufferChars` is an SseOverflow (an upstream
 * that never ends its lines must not grow memory without bound).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseEvent = EventSourceMessage;

export class SseOverflow extends Error {}

export interface SseStats {
  /** Events delivered so far. */
  events: number;
  /** The first characters of the body, for error excerpts. */
  head: string;
}

const HEAD_CHARS = 300;

export async function* readSse(body: AsyncIterable<Uint8Array>, stats: SseStats, maxBufferChars = 4 * 1024 * 1024): AsyncGenerator<SseEvent> {
  const ready: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  const decoder = new TextDecoder();
  // Characters received since the last complete event: what the parser may be holding. (The
  // parser's own cap needs a version for Node 22, so the bound is kept here.)
  let sinceEvent = 0;
  const feed = function* (text: string): Generator<SseEvent> {
    if (stats.head.length < HEAD_CHARS) stats.head += text.slice(0, HEAD_CHARS - stats.head.length);
    parser.feed(text);
    sinceEvent = ready.length > 0 ? 0 : sinceEvent + text.length;
    if (sinceEvent > maxBufferChars) throw new SseOverflow(`an event stream line or event exceeded ${maxBufferChars} characters`);
    while (ready.length > 0) {
      stats.events++;
      yield ready.shift()!;
    }
  };
  for await (const bytes of body) yield* feed(decoder.decode(bytes, { stream: true }));
  // The body ended cleanly: end a last line and event that lack their terminators.
  yield* feed(`${decoder.decode()}\n\n`);
}
