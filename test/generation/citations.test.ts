/**
 * The citation formatter (src/generation/citations.ts): styles, patterns, what is and is not a
 * citation, and the streaming contract (any chunking gives the whole-text result).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CitationOptions, createCitationFormatter, formatCitations } from '../../src/generation/citations.js';
import type { GroundingResult } from '../../src/generation/types.js';

const RESULTS: GroundingResult[] = [
  {
    text: 'one',
    document_id: 'doc 1/a',
    document_metadata: { title: 'Tom & "Jerry" <3', tag: 'a&b=c' },
    part_metadata: { page: 7 },
    score: 0.9,
  },
  { text: 'two', document_id: 'doc2', document_metadata: { title: 'Second [draft]' }, part_metadata: {}, score: 0.8 },
  { text: 'three', document_id: 'doc3', document_metadata: {}, part_metadata: { page: 1 }, score: 0.7 },
];

const format = (text: string, options: CitationOptions = {}): string => formatCitations(text, options, RESULTS);

describe('numeric (the default)', () => {
  it('keeps [N] and is the default style', () => {
    const text = 'Paris is the capital [1]. It is old[2], see [3].';
    expect(format(text, { style: 'numeric' })).toBe(text);
    expect(format(text)).toBe(text);
    expect(formatCitations(text, undefined, RESULTS)).toBe(text);
  });

  it('splits groups into single markers and drops repeats', () => {
    expect(format('a [1, 2] b [1,2] c [1][2] d [ 3 ] e [2][2]')).toBe('a [1][2] b [1][2] c [1][2] d [3] e [2]');
  });

  it('drops numbers outside 1..results, and the marker when nothing is left', () => {
    expect(format('a [1, 9] b [0][2] c')).toBe('a [1] b [2] c');
    expect(format('Big [4].')).toBe('Big.');
    expect(format('Big [9] claim.')).toBe('Big claim.');
    expect(formatCitations('Nothing to cite [1].', {}, [])).toBe('Nothing to cite.');
  });
});

describe('none', () => {
  const none = (text: string): string => format(text, { style: 'none' });

  it('removes markers without leaving doubled spaces or spaces before punctuation', () => {
    expect(none('Paris is big [1]. It is old [2][3], and [1, 2] nice [3]!')).toBe('Paris is big. It is old, and nice!');
    expect(none('Paris [1] is big')).toBe('Paris is big');
    expect(none('Paris[1] is big[2].')).toBe('Paris is big.');
    expect(none('a [1]b')).toBe('a b');
    expect(none('(see [1])')).toBe('(see)');
    expect(none('line one [1]\nline two [2]')).toBe('line one\nline two');
    expect(none('[1] Starts here.\n[2] And here.')).toBe('Starts here.\nAnd here.');
    expect(none('Ends [1]')).toBe('Ends');
  });
});

describe('markdown and html', () => {
  it('renders markdown with the number as text and an empty URL by default', () => {
    expect(format('Fact [2].', { style: 'markdown' })).toBe('Fact [2]().');
    expect(format('Fact [2].', { style: 'markdown', url_pattern: 'https://x.test/{doc.id}' })).toBe('Fact [2](https://x.test/doc2).');
  });

  it('fills patterns from the document id and metadata, URL-encoding inside the URL', () => {
    const options: CitationOptions = {
      style: 'markdown',
      url_pattern: 'https://x.test/{doc.id}#page={part.page}&t={doc.tag}',
      text_pattern: '{doc.title} p.{part.page}',
    };
    expect(format('Fact [1].', options)).toBe('Fact [Tom & "Jerry" <3 p.7](https://x.test/doc%201%2Fa#page=7&t=a%26b%3Dc).');
    // Missing values are empty; brackets in the text are escaped; other braces stay as written.
    expect(format('Fact [3][2].', { style: 'markdown', url_pattern: '{section.page}/{doc.title}', text_pattern: '{doc.title}' })).toBe(
      'Fact []({section.page}/), [Second \\[draft\\]]({section.page}/Second%20%5Bdraft%5D).',
    );
  });

  it('renders html links, escaping text and URL for HTML', () => {
    const options: CitationOptions = { style: 'html', url_pattern: 'https://x.test/d?id={doc.id}&p={part.page}', text_pattern: '{doc.title}' };
    expect(format('Fact [1].', options)).toBe('Fact <a href="https://x.test/d?id=doc%201%2Fa&amp;p=7">Tom &amp; &quot;Jerry&quot; &lt;3</a>.');
    expect(format('Both [1, 3].', { style: 'html' })).toBe('Both <a href="">1</a>, <a href="">3</a>.');
  });

  it('drops out-of-range numbers in these styles too', () => {
    expect(format('Fact [7].', { style: 'html' })).toBe('Fact.');
    expect(format('Fact [7, 2].', { style: 'markdown' })).toBe('Fact [2]().');
  });
});

describe('brackets that are not citations', () => {
  it('passes them through unchanged in every style', () => {
    const texts = [
      '[see below]',
      'a[i] = b[j]',
      'x [1a] y',
      'x [] y',
      'x [ ] y',
      'x [1,] y',
      'x [,1] y',
      'x [-1] y',
      'x [1 2] y',
      'x [1.5] y',
      'unterminated [12',
      'unterminated [',
      `x [${'1'.repeat(80)}] y`,
    ];
    for (const style of ['numeric', 'none', 'markdown', 'html'] as const) {
      for (const text of texts) expect(format(text, { style }), `${style}: ${text}`).toBe(text);
    }
  });

  it('finds citations inside other brackets', () => {
    expect(format('[[1]]', { style: 'markdown' })).toBe('[[1]()]');
    expect(format('see [note [2]]', { style: 'none' })).toBe('see [note]');
  });
});

describe('streaming', () => {
  const SAMPLES = [
    'Paris is the capital of France [1]. It is old [2][3], and [1, 2] large [9]!\n[3] New line [ 2 ].',
    'a[i] [see below] [1,2] [12 x[3]y [2]. end [1]',
    '  [1]  leading and trailing  [2]  ',
    'Fact [1]\n\n[2] Next [3],[1]; done [',
  ];
  const STYLES: CitationOptions[] = [
    {},
    { style: 'none' },
    { style: 'markdown', url_pattern: 'https://x.test/{doc.id}', text_pattern: '{doc.title}' },
    { style: 'html', url_pattern: 'https://x.test/{doc.id}?p={part.page}' },
  ];

  function streamed(chunks: string[], options: CitationOptions): string {
    const formatter = createCitationFormatter(options, RESULTS);
    return chunks.map((chunk) => formatter.push(chunk)).join('') + formatter.end();
  }

  it('gives the whole-text result for a split at every position', () => {
    for (const options of STYLES) {
      for (const text of SAMPLES) {
        const whole = formatCitations(text, options, RESULTS);
        for (let at = 0; at <= text.length; at++) {
          expect(streamed([text.slice(0, at), text.slice(at)], options), `${JSON.stringify(options)} @${at}: ${text}`).toBe(whole);
        }
        expect(streamed([...text], options)).toBe(whole);
      }
    }
  });

  it('gives the whole-text result for random text cut into random chunks', () => {
    const token = fc.constantFrom('[', ']', '1', '2', '3', '9', ',', ' ', '  ', '\n', '.', 'a', 'word', '[1]', '[2, 3]', '!', '(', ')');
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 60 }).map((t) => t.join('')),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(...STYLES),
        (text, cuts, options) => {
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(text.slice(from, p));
            from = p;
          }
          chunks.push(text.slice(from));
          expect(streamed(chunks, options)).toBe(formatCitations(text, options, RESULTS));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('emits plain text at once and holds back only what may still change', () => {
    const formatter = createCitationFormatter({ style: 'markdown' }, RESULTS);
    expect(formatter.push('Hello world')).toBe('Hello world');
    expect(formatter.push(', Paris is big ')).toBe(', Paris is big');
    expect(formatter.push('[')).toBe('');
    expect(formatter.push('1')).toBe('');
    expect(formatter.push('] and')).toBe(' [1]() and');
    expect(formatter.push(' a[i] ok.')).toBe(' a[i] ok.');
    expect(formatter.end()).toBe('');
  });

  it('returns held text at the end', () => {
    const formatter = createCitationFormatter({ style: 'none' }, RESULTS);
    expect(formatter.push('Done [2')).toBe('Done');
    expect(formatter.end()).toBe(' [2');
  });
});
