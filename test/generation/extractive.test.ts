import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sentenceQuality } from '../../src/generation/extractive/sentences.js';
import {
  DEFAULT_MAX_RESPONSE_CHARACTERS,
  EXTRACTIVE_LLM_NAME,
  ExtractiveSummariser,
  extractSentences,
  NO_ANSWER,
} from '../../src/generation/extractive/summariser.js';
import type { GenerationInput, GroundingResult, PriorTurn } from '../../src/generation/types.js';

/**
 * The built-in extractive summariser, on real manual pages (read in place from the shared data
 * set) and on generated result sets: it only ever quotes, cites in range, answers the question
 * asked, keeps to its budget and streams promptly.
 */

const MANPAGES = fileURLToPath(new URL('../../../shared/datasets/manpages/docs.jsonl', import.meta.url));
const WANTED = new Set([
  'gcloud_alpha_compute_instances_stop.1',
  'gcloud_alpha_compute_instances_ops-agents_policies_create.1',
  'gcloud_compute_instances_ops-agents_policies_create.1',
  'scalar.1',
  'curl.1',
  'wget.1',
  'git-clean.1',
  'tar.1',
]);
const pages = new Map<string, string>();
const allPages: string[] = [];
for (const line of readFileSync(MANPAGES, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const doc = JSON.parse(line) as { id: string; text: string };
  if (WANTED.has(doc.id)) pages.set(doc.id, doc.text);
  allPages.push(doc.text);
}
const page = (id: string): string => {
  const text = pages.get(id);
  if (text === undefined) throw new Error(`manpage ${id} missing from the data set`);
  return text;
};

const result = (text: string, i: number, document_id = `doc-${i}`): GroundingResult => ({
  text,
  document_id,
  document_metadata: {},
  part_metadata: {},
  score: 1 - i * 0.05,
});
const fromPages = (...ids: string[]): GroundingResult[] => ids.map((id, i) => result(page(id), i, id));

const input = (query: string, results: GroundingResult[], extra: Partial<GenerationInput> = {}): GenerationInput => ({
  query,
  results,
  messages: [],
  history: [],
  language: 'eng',
  modelParameters: {},
  ...extra,
});

const summariser = new ExtractiveSummariser();

async function answer(i: GenerationInput): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of summariser.generate(i)) chunks.push(chunk);
  return chunks;
}

interface Quote {
  text: string;
  citation: number;
}

const CHUNK = /^( ?)([\s\S]+) \[(\d+)\]$/;

/**
 * The contract every answer keeps: one quoted sentence per chunk with its citation, the first
 * without a leading space and the others with one; each sentence trimmed, taken verbatim from the
 * result it cites, and that citation in range.
 */
function quotesOf(chunks: readonly string[], results: readonly GroundingResult[]): Quote[] {
  expect(chunks.length).toBeGreaterThan(0);
  return chunks.map((chunk, i) => {
    const m = CHUNK.exec(chunk);
    expect(m, `chunk ${JSON.stringify(chunk)}`).not.toBeNull();
    const [, space, text, n] = m!;
    expect(space).toBe(i === 0 ? '' : ' ');
    const citation = Number(n);
    expect(citation).toBeGreaterThanOrEqual(1);
    expect(citation).toBeLessThanOrEqual(results.length);
    expect(text).toBe(text!.trim());
    expect(results[citation - 1]!.text.includes(text!)).toBe(true);
    return { text: text!, citation };
  });
}

describe('the extractive summariser', () => {
  it('has an honest name and answers with the sentence that answers a specific question', async () => {
    expect(summariser.name).toBe(EXTRACTIVE_LLM_NAME);
    expect(EXTRACTIVE_LLM_NAME).toBe('quarry-extractive-summariser');

    const results = fromPages('scalar.1', 'gcloud_alpha_compute_instances_stop.1', 'wget.1');
    const ssd = quotesOf(await answer(input('How do I preserve Local SSD data when stopping a VM?', results)), results);
    expect(ssd).toContainEqual({
      text: 'To stop the VM and preserve the Local SSD data when you stop the VM by setting --discard-local-ssd=False.',
      citation: 2,
    });

    const enlistment = quotesOf(await answer(input('what is an enlistment in scalar?', results)), results);
    expect(enlistment).toContainEqual({
      text: 'An important Scalar concept is the enlistment: this is the top-level directory of the project.',
      citation: 1,
    });
    // A question about one page is answered from that page alone.
    expect(enlistment.every((q) => q.citation === 1)).toBe(true);
  });

  it('puts the best answer first and does not quote the same sentence twice from near-duplicate pages', async () => {
    const results = fromPages(
      'gcloud_alpha_compute_instances_ops-agents_policies_create.1',
      'gcloud_compute_instances_ops-agents_policies_create.1',
      'tar.1',
    );
    const quotes = quotesOf(await answer(input('when does a created policy take effect?', results)), results);
    expect(quotes[0]!.text).toBe('The created policy takes effect asynchronously.');
    const texts = quotes.map((q) => q.text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('keeps to maxResponseCharacters, with at least one sentence however small the budget', async () => {
    const results = fromPages('wget.1', 'curl.1', 'tar.1');
    for (const budget of [1, 80, 150, 300, 600, 1200]) {
      const chunks = await answer(input('download files over HTTP from the web', results, { maxResponseCharacters: budget }));
      quotesOf(chunks, results);
      const joined = chunks.join('');
      if (chunks.length > 1) expect(joined.length).toBeLessThanOrEqual(budget);
      if (budget <= 80) expect(chunks).toHaveLength(1);
    }
    // The default budget is about 600 characters, and a larger one is used when it is given.
    const byDefault = (await answer(input('', fromPages('tar.1')))).join('');
    expect(byDefault.length).toBeLessThanOrEqual(DEFAULT_MAX_RESPONSE_CHARACTERS);
    expect(byDefault.length).toBeGreaterThan(DEFAULT_MAX_RESPONSE_CHARACTERS / 2);
    const larger = (await answer(input('', fromPages('tar.1'), { maxResponseCharacters: 1200 }))).join('');
    expect(larger.length).toBeGreaterThan(DEFAULT_MAX_RESPONSE_CHARACTERS);
  });

  it('summarises a whole document from its opening and central sentences, in document order', async () => {
    // The document arrives as its parts, in order, all of one document.
    const text = page('scalar.1');
    const cut1 = text.indexOf('It usually contains');
    const cut2 = text.indexOf('The scalar command implements');
    const parts = [text.slice(0, cut1).trim(), text.slice(cut1, cut2).trim(), text.slice(cut2).trim()];
    const results = parts.map((p, i) => result(p, i, 'scalar.1'));

    const quotes = quotesOf(await answer(input('', results)), results);
    expect(quotes.length).toBeGreaterThan(1);
    expect(quotes[0]!.text).toBe('Scalar is a repository management tool that optimizes Git for use in large repositories.');
    const offsets = quotes.map((q) => text.indexOf(q.text));
    expect(offsets.every((o) => o >= 0)).toBe(true);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(offsets.length);
    // The option list at the end is the least summary-like part of the page.
    expect(quotes.some((q) => q.text.includes('<key>=<value>'))).toBe(false);
  });

  it('leans on the earlier questions of a chat for a vague follow-up, and only when there are some', async () => {
    const results = fromPages('curl.1', 'wget.1');
    const followUp = 'what about its protocols?';
    const wgetProtocols = 'It supports HTTP, HTTPS, and FTP protocols, as well as retrieval through HTTP proxies.';
    const curlProtocols = page('curl.1').slice(0, page('curl.1').indexOf('The command is designed')).replace(/^.*?\. /, '').trim();
    expect(curlProtocols.startsWith('It supports these protocols:')).toBe(true);

    const first = async (history: PriorTurn[] | undefined) => {
      const i = input(followUp, results);
      if (history === undefined) delete (i as Partial<GenerationInput>).history;
      else i.history = history;
      return quotesOf(await answer(i), results)[0];
    };
    const alone = await first([]);
    expect(alone).toEqual({ text: curlProtocols, citation: 1 });
    expect(await first(undefined)).toEqual(alone);

    const aboutWget: PriorTurn[] = [{ query: 'how do I download files with wget?', answer: 'GNU Wget is a free utility [2]' }];
    expect(await first(aboutWget)).toEqual({ text: wgetProtocols, citation: 2 });

    // The latest turn counts most: a chat that moved on from wget to curl is about curl.
    const movedOn: PriorTurn[] = [...aboutWget, { query: 'and what is curl for?', answer: '' }];
    expect(await first(movedOn)).toEqual({ text: curlProtocols, citation: 1 });
  });

  it('answers "tell me more" from the earlier questions when the follow-up names nothing in the results', async () => {
    const results = fromPages('curl.1', 'wget.1', 'git-clean.1');
    const history: PriorTurn[] = [{ query: 'which files does git clean remove?', answer: '' }];
    const quotes = quotesOf(await answer(input('tell me more', results, { history })), results);
    expect(quotes.every((q) => q.citation === 3)).toBe(true);
    expect(await answer(input('tell me more', results))).toEqual([NO_ANSWER]);
  });

  it('stops the stream when the signal is aborted', async () => {
    const results = fromPages('tar.1', 'wget.1');
    const controller = new AbortController();
    const i = input('', results, { signal: controller.signal, maxResponseCharacters: 2000 });
    expect((await answer(input('', results, { maxResponseCharacters: 2000 }))).length).toBeGreaterThan(2);

    const seen: string[] = [];
    for await (const chunk of summariser.generate(i)) {
      seen.push(chunk);
      controller.abort();
    }
    expect(seen).toHaveLength(1);

    const before = new AbortController();
    before.abort();
    expect(await answer(input('', results, { signal: before.signal }))).toEqual([]);
  });

  it('says NO_ANSWER, alone, only when there is nothing to extract', async () => {
    expect(NO_ANSWER.length).toBeLessThan(80);
    expect(await answer(input('what is tar?', []))).toEqual([NO_ANSWER]);
    expect(await answer(input('', []))).toEqual([NO_ANSWER]);
    expect(await answer(input('what is tar?', [result('  \n ', 0)]))).toEqual([NO_ANSWER]);
    const results = fromPages('tar.1', 'wget.1');
    expect(await answer(input('kubernetes pod autoscaling', results))).toEqual([NO_ANSWER]);
    // One shared word is enough for an answer.
    expect(quotesOf(await answer(input('kubernetes archive', results)), results)[0]!.citation).toBe(1);
  });

  it('prefers prose to headings, option tables and run-on sentences, but falls back on them', async () => {
    const prose = 'The archive option writes every file into one compressed bundle.';
    const results = [
      result('ARCHIVE OPTIONS', 0),
      result('-a, --archive <file>  --level <n>  --keep  archive settings', 1),
      result(`${'An archive, '.repeat(40)}and so on without end.`, 2),
      result(`Something else entirely. ${prose}`, 3),
    ];
    const quotes = quotesOf(await answer(input('archive option', results)), results);
    expect(quotes[0]).toEqual({ text: prose, citation: 4 });
    expect(quotes.map((q) => q.citation)).not.toContain(1);

    // With nothing better on offer, the poor sentence is still quoted rather than no answer.
    const poor = [result('ARCHIVE OPTIONS', 0), result('Something else entirely.', 1)];
    expect(quotesOf(await answer(input('archive option', poor)), poor)).toEqual([{ text: 'ARCHIVE OPTIONS', citation: 1 }]);

    expect(sentenceQuality(prose)).toBe(1);
    expect(sentenceQuality('OPTIONS')).toBeLessThan(0.5);
    expect(sentenceQuality('Remote shell usage')).toBeLessThan(0.5);
    expect(sentenceQuality('-r, --recursive <dir> --force --quiet')).toBeLessThan(0.5);
    expect(sentenceQuality(`${'A long sentence that goes on, '.repeat(15)}and ends.`)).toBeLessThan(0.5);
  });

  it('matches words in languages without stop words, and scripts without spaces', async () => {
    const german = [result('Der Befehl kopiert Dateien. Das Archiv wird mit gzip komprimiert.', 0)];
    expect(quotesOf(await answer(input('Wie wird das Archiv komprimiert?', german, { language: 'deu' })), german)[0]!.text).toBe(
      'Das Archiv wird mit gzip komprimiert.',
    );
    const japanese = [result('このコマンドはファイルをコピーします。圧縮にはgzipを使います。', 0)];
    expect(quotesOf(await answer(input('圧縮の方法は？', japanese, { language: 'jpn' })), japanese)[0]!.text).toBe('圧縮にはgzipを使います。');
  });

  it('always quotes verbatim and cites in range, whatever the results', async () => {
    const word = fc.constantFrom('tar', 'archive', 'files', 'copy', 'Remote', 'the', 'of', 'OPTIONS', '--force', '<dir>', '[2]', 'é', '日本語', 'x');
    const sentence = fc
      .tuple(fc.array(word, { minLength: 1, maxLength: 12 }), fc.constantFrom('.', '!', '?', '', ':', '\n', '.\n\n', '  '))
      .map(([ws, end]) => ws.join(' ') + end);
    const text = fc.oneof(
      fc.array(sentence, { maxLength: 8 }).map((ss) => ss.join(' ')),
      fc.string({ maxLength: 300 }),
      fc.constantFrom(...allPages.slice(0, 50)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, fc.integer({ min: 0, max: 3 })), { maxLength: 10 }),
        fc.oneof(fc.constant(''), fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' ')), fc.string({ maxLength: 30 })),
        fc.array(fc.array(word, { maxLength: 4 }).map((ws) => ({ query: ws.join(' '), answer: '' })), { maxLength: 3 }),
        fc.option(fc.integer({ min: -5, max: 1500 }), { nil: undefined }),
        fc.constantFrom('eng', 'deu', 'jpn', 'und'),
        async (rows, query, history, maxResponseCharacters, language) => {
          const results = rows.map(([t, d], i) => result(t, i, `doc-${d}`));
          const chunks = await answer(input(query, results, { history, language, ...(maxResponseCharacters === undefined ? {} : { maxResponseCharacters }) }));
          if (chunks.length === 1 && chunks[0] === NO_ANSWER) return;
          const quotes = quotesOf(chunks, results);
          expect(quotes.every((q) => q.text.length > 0)).toBe(true);
          const budget = maxResponseCharacters !== undefined && maxResponseCharacters > 0 ? maxResponseCharacters : DEFAULT_MAX_RESPONSE_CHARACTERS;
          if (chunks.length > 1) expect(chunks.join('').length).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 300 },
    );
  });

});
