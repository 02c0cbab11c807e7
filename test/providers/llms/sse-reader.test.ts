import { describe, expect, it } from 'vitest';
import { readSse, SseOverflow, type SseEvent } from '../../../src/providers/llms/sse-reader.js';

const bytes = async function* (pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const p of pieces) yield new TextEncoder().encode(p);
};

async function read(pieces: string[], max?: number): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(bytes(pieces), { events: 0, head: '' }, max)) out.push(e);
  return out;
}

describe('readSse', () => {
  it('yields events split anywhere across chunks, and an unterminated last one', async () => {
    const events = await read(['data: {"a"', ':1}\n\nevent: x\nda', 'ta: 2\n\ndata: last']);
    expect(events.map((e) => [e.event, e.data])).toEqual([[undefined, '{"a":1}'], ['x', '2'], [undefined, 'last']]);
  });

  it('refuses a line that never ends beyond the bound, and not a long stream of short events', async () => {
    await expect(read(Array.from({ length: 5 }, () => 'x'.repeat(1000)), 2000)).rejects.toBeInstanceOf(SseOverflow);
    const many = Array.from({ length: 100 }, (_, i) => `data: ${'y'.repeat(50)}${i}\n\n`);
    expect(await read(many, 2000)).toHaveLength(100);
  });
});
