/**
 * The prompt template engine (src/generation/prompt/): Vectara's variables and Velocity semantics,
 * the messages a rendering yields, the default template, and the sandbox and limits that keep a
 * client's template from doing harm.
 */
import { describe, expect, it } from 'vitest';
import { QuarryError } from '../../src/domain/errors.js';
import { ordinalWord, ordinalWords } from '../../src/generation/prompt/ordinals.js';
import { DEFAULT_PROMPT_TEMPLATE, MAX_TEMPLATE_CHARS, type PromptContext, renderPrompt } from '../../src/generation/prompt/render.js';
import { escapeJava } from '../../src/generation/prompt/escape.js';
import type { GroundingResult } from '../../src/generation/types.js';

const TRICKY = 'He said "stop"\nthen left.\tPath: C:\\temp\\new \u0001 — café 東京 $vectaraQuery #end';

function result(text: string, over: Partial<GroundingResult> = {}): GroundingResult {
  return { text, document_id: 'doc-1', document_metadata: {}, part_metadata: {}, score: 0.5, ...over };
}

const RESULTS: GroundingResult[] = [
  result(TRICKY, { document_id: 'manual', document_metadata: { title: 'The "Manual"', year: 2024, size: 'XL' }, part_metadata: { page: 3 }, score: 0.9 }),
  result('Second result.', { document_id: 'faq' }),
  result('Third result.', { document_id: 'blog' }),
];

const ctx = (over: Partial<PromptContext> = {}): PromptContext => ({
  query: 'How do I "reset" it?',
  results: RESULTS,
  language: { code: 'eng', name: 'English' },
  ...over,
});

/** Runs `fn` and returns the QuarryError it throws. */
function rejection(fn: () => unknown): QuarryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(QuarryError);
    return err as QuarryError;
  }
  throw new Error('expected a QuarryError');
}

/** Renders and returns the text, for templates that are not JSON. */
const text = (template: string, context: PromptContext = ctx()): string => renderPrompt(template, context).text;

describe('Vectara-style templates', () => {
  it('renders a JSON message template with $esc.java to exactly the expected messages', () => {
    const template = `[
  {"role": "system", "content": "You are a helpful search assistant. Answer in $vectaraLangName ($vectaraLangCode)."},
  #foreach ($qResult in $vectaraQueryResults)
    {"role": "user", "content": "Give me the $vectaraIdxWord[$foreach.index] search result."},
    {"role": "assistant", "content": "$esc.java($qResult.getText())"},
  #end
  {"role": "user", "content": "Generate a summary in $vectaraOutChars characters for the query '$esc.java($vectaraQuery)' solely based on the search results in this chat."}
]`;
    const rendered = renderPrompt(template, ctx({ outChars: 512 }));
    expect(JSON.parse(rendered.text)).toEqual(rendered.messages);
    expect(rendered.messages).toEqual([
      { role: 'system', content: 'You are a helpful search assistant. Answer in English (eng).' },
      { role: 'user', content: 'Give me the first search result.' },
      { role: 'assistant', content: TRICKY },
      { role: 'user', content: 'Give me the second search result.' },
      { role: 'assistant', content: 'Second result.' },
      { role: 'user', content: 'Give me the third search result.' },
      { role: 'assistant', content: 'Third result.' },
      {
        role: 'user',
        content: `Generate a summary in 512 characters for the query 'How do I "reset" it?' solely based on the search results in this chat.`,
      },
    ]);
  });

  it("repairs templates that insert text unescaped, as Vectara's own examples do", () => {
    const template = `[
  {"role": "system", "content": "You are a helpful search assistant."},
  #foreach ($qResult in $vectaraQueryResults)
     {"role": "user", "content": "Given the $vectaraIdxWord[$foreach.index] search result."},
     {"role": "assistant", "content": "\${qResult.getText()}" },
  #end
  {"role": "user", "content": "Generate a summary for the query '\${vectaraQuery}' based on the above results."}
]
`;
    const rendered = renderPrompt(template, ctx());
    expect(rendered.messages).toHaveLength(8);
    expect(rendered.messages[2]).toEqual({ role: 'assistant', content: TRICKY });
    expect(rendered.messages[7]!.content).toBe(`Generate a summary for the query 'How do I "reset" it?' based on the above results.`);
    // The reported prompt is the repaired, valid JSON.
    expect(JSON.parse(rendered.text)).toEqual(rendered.messages);
  });

  it('does not escape twice when a repaired template also uses $esc.java', () => {
    const template = `[{"role": "user", "content": "$esc.java($vectaraQuery) / \${vectaraQuery}"}]`;
    const rendered = renderPrompt(template, ctx());
    expect(rendered.messages).toEqual([{ role: 'user', content: 'How do I "reset" it? / How do I "reset" it?' }]);
  });

  it('accepts a trailing comma left by a loop', () => {
    const template = `[
#foreach ($r in $vectaraQueryResults)
  {"role": "user", "content": "$esc.java($r.text())"},
#end
]`;
    const rendered = renderPrompt(template, ctx({ results: RESULTS.slice(1) }));
    expect(rendered.messages).toEqual([
      { role: 'user', content: 'Second result.' },
      { role: 'user', content: 'Third result.' },
    ]);
  });

  it('keeps a message name and ignores other fields', () => {
    const rendered = renderPrompt('[{"role": "user", "content": "hi", "name": "ann", "extra": 1}]', ctx());
    expect(rendered.messages).toEqual([{ role: 'user', content: 'hi', name: 'ann' }]);
  });

  it('makes anything that is not a message array one user message', () => {
    for (const template of ['Answer $vectaraQuery using the results.', '[1, 2, 3]', '[]', '[{"role": "user"}]', '{"role": "user", "content": "x"}']) {
      const rendered = renderPrompt(template, ctx());
      expect(rendered.messages).toEqual([{ role: 'user', content: rendered.text }]);
    }
    expect(renderPrompt('Answer $vectaraQuery', ctx()).text).toBe('Answer How do I "reset" it?');
  });

  it('exposes document and part metadata the ways Vectara templates read it', () => {
    const template =
      '#foreach($r in $vectaraQueryResults)' +
      '$r.docMetadata().get("title")|$r.docMetadata().title|$r.docMetadata.title|$r.docMetadata().get(\'year\')|' +
      '$r.docMetadata().size|[$r.docMetadata().get("missing")]|$r.docMetadata().present()|$r.partMetadata().present()|' +
      '$r.partMetadata().get("page")|$r.getDocumentId()|$r.documentId|$r.getScore()|$r.text\n#end';
    const lines = text(template, ctx({ results: RESULTS.slice(0, 2) })).split('\n');
    expect(lines[0]).toBe(`The "Manual"|The "Manual"|The "Manual"|2024|XL|[]|true|true|3|manual|manual|0.9|${TRICKY.split('\n')[0]}`);
    expect(lines[2]).toBe('|||||[]|false|false||faq|faq|0.5|Second result.');
  });

  it('prints metadata maps as JSON and lists of them as lists', () => {
    expect(text('$vectaraQueryResults[0].docMetadata()')).toBe('{"title":"The \\"Manual\\"","year":2024,"size":"XL"}');
    expect(text('#set($l = [1, "a", {"k": 2}])$l')).toBe('[1, a, {k=2}]');
  });

  it('provides $vectaraChatHistory as the earlier turns, oldest first', () => {
    const history = [
      { query: 'first question', answer: 'first answer' },
      { query: 'second question', answer: 'second answer' },
    ];
    const template = '#foreach($m in $vectaraChatHistory)$m.role=$m.content;#end $vectaraChatHistory.size()';
    expect(text(template, ctx({ history }))).toBe(
      'user=first question;assistant=first answer;user=second question;assistant=second answer; 4',
    );
    expect(text('$vectaraChatHistory.size()')).toBe('0');
  });
});

describe('Velocity semantics', () => {
  it('has a 0-based $foreach.index, a 1-based count, first, last and hasNext', () => {
    const template = '#foreach($x in ["a", "b", "c"])$foreach.index/$foreach.count/$foreach.first/$foreach.last/$foreach.hasNext/$velocityCount $x;#end';
    expect(text(template)).toBe(
      '0/1/true/false/true/1 a;1/2/false/false/true/2 b;2/3/false/true/false/3 c;',
    );
    expect(text('#foreach($x in [1..3])$foreach.isFirst()$foreach.hasNext()#if($foreach.hasNext),#end#end')).toBe(
      'truetrue,falsetrue,falsefalse',
    );
  });

  it('keeps $foreach per loop in nested loops', () => {
    expect(text('#foreach($a in [1..2])#foreach($b in [1..2])$foreach.index#end:$foreach.index #end')).toBe('01:0 01:1 ');
  });

  it('supports #if/#elseif/#else, #set, arithmetic, comparisons and ranges', () => {
    const template =
      '#foreach($n in [1..4])#if($n == 1)one#elseif($n < 3)two#else#set($d = $n * 10 + 1)$d#end #end' +
      '#foreach($n in [3..1])$n#end';
    expect(text(template)).toBe('one two 31 41 321');
  });

  it('supports #break, #stop() and macros', () => {
    expect(text('#foreach($n in [1..5])$n#if($n == 2)#break#end#end after')).toBe('12 after');
    expect(text('a#stop()b')).toBe('a');
    expect(text('#macro(cite $n)[$n]#end#cite(1)#cite(2)')).toBe('[1][2]');
  });

  it('names every result with $vectaraIdxWord, beyond the ten Vectara lists', () => {
    const many = Array.from({ length: 23 }, (_, i) => result(`r${i}`));
    const words = text('#foreach($r in $vectaraQueryResults)$vectaraIdxWord[$foreach.index],#end', ctx({ results: many })).split(',');
    expect(words.slice(0, 4)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(words[11]).toBe('twelfth');
    expect(words[19]).toBe('twentieth');
    expect(words[22]).toBe('twenty-third');
  });

  it('prints unknown and null references as written, and $! ones as nothing', () => {
    expect(text('[$nothing] [$!nothing] [$vectaraOutChars] [$!vectaraOutChars]')).toBe('[$nothing] [] [$vectaraOutChars] []');
    expect(text('[$vectaraOutChars]', ctx({ outChars: 300 }))).toBe('[300]');
    expect(text('#if($vectaraOutChars)set#{else}unset#end')).toBe('unset');
  });

  it('supports the usual Java String, List and Map methods', () => {
    const template =
      '#set($s = "  Hello World  ")$s.trim().toUpperCase()|$s.trim().length()|$s.contains("World")|$s.replace("o", "0")|' +
      '$s.trim().substring(0, 5)|#set($l = [])#set($ok = $l.add("x"))$l.size()|#set($m = {})$!m.put("k", "v")$m.get("k")$m.containsKey("k")';
    expect(text(template)).toBe('HELLO WORLD|11|true|  Hell0 W0rld  |Hello|1|vtrue');
  });

  it('escapes with $esc like Velocity EscapeTool', () => {
    expect(text('$esc.java($vectaraQuery)', ctx({ query: 'a"b\\c\nd\te\u0001f é' }))).toBe('a\\"b\\\\c\\nd\\te\\u0001f é');
    expect(text('$esc.html($vectaraQuery)', ctx({ query: '<a href="x">&</a>' }))).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(text('$esc.url($vectaraQuery)', ctx({ query: 'a b/c' }))).toBe('a%20b%2Fc');
    expect(escapeJava('\u2028 ok')).toBe('\u2028 ok');
  });

  it('never lets a template change the caller’s data', () => {
    const results = [result('only', { document_metadata: { tags: ['a'] } })];
    const snapshot = structuredClone(results);
    text('$!vectaraQueryResults.add("x")#set($t = $vectaraQueryResults[0].docMetadata().get("tags"))$!t.add("b")#set($vectaraQueryResults[0].x = 1)', ctx({ results }));
    expect(results).toEqual(snapshot);
  });
});

describe('the default template', () => {
  it('renders valid JSON whatever the results contain', () => {
    const nasty = [
      result('quote " backslash \\ newline \n carriage \r tab \t nul \u0000 bell \u0007'),
      result('ends with a backslash \\'),
      result('velocity-looking text: $vectaraQuery #foreach($x in [1..3])$x#end ${esc} #set($a = 1)'),
      result('unicode: 東京, emoji 😀, lone surrogate \ud800, line separator \u2028'),
    ];
    const query = 'He said: "why?"\\\n';
    const rendered = renderPrompt(DEFAULT_PROMPT_TEMPLATE, ctx({ query, results: nasty }));
    expect(JSON.parse(rendered.text)).toEqual(rendered.messages);
    expect(rendered.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const user = rendered.messages[1]!.content;
    nasty.forEach((r, i) => expect(user).toContain(`[${i + 1}] ${r.text}`));
    expect(user).toContain(`Question: ${query}`);
  });

  it('asks for citations, the language and, when set, the length', () => {
    const withLength = renderPrompt(DEFAULT_PROMPT_TEMPLATE, ctx({ language: { code: 'deu', name: 'German' }, outChars: 300 }));
    const system = withLength.messages[0]!.content;
    expect(system).toContain('[1]');
    expect(system).toContain('German');
    expect(system).toContain('300 characters');
    const without = renderPrompt(DEFAULT_PROMPT_TEMPLATE, ctx());
    expect(without.messages[0]!.content).not.toMatch(/characters/);
    expect(without.messages[0]!.content).not.toContain('$');
  });

  it('includes the chat history between the instructions and the results', () => {
    const history = [{ query: 'Who "made" it?', answer: 'Acme [1].' }];
    const rendered = renderPrompt(DEFAULT_PROMPT_TEMPLATE, ctx({ history }));
    expect(rendered.messages.slice(1, 3)).toEqual([
      { role: 'user', content: 'Who "made" it?' },
      { role: 'assistant', content: 'Acme [1].' },
    ]);
    expect(rendered.messages).toHaveLength(4);
  });

  it('asks for a summary when there is no question', () => {
    const user = renderPrompt(DEFAULT_PROMPT_TEMPLATE, ctx({ query: '' })).messages[1]!.content;
    expect(user).toMatch(/Summarize/);
    expect(user).not.toContain('Question:');
  });
});

describe('bad and hostile templates', () => {
  it('rejects a template that does not parse with a 400 naming the field', () => {
    const err = rejection(() => renderPrompt('Hello #set($x = )', ctx()));
    expect(err.status).toBe(400);
    expect(err.bodyKind).toBe('bad_request');
    expect(err.details.fieldErrors).toHaveProperty(['generation.prompt_template']);
    expect(err.message).toMatch(/generation\.prompt_template/);
    expect(err.message).toMatch(/line 1/);
    const custom = rejection(() => renderPrompt('$esc.java($foreach.index + 1)', ctx(), 'prompt_template'));
    expect(Object.keys(custom.details.fieldErrors ?? {})).toEqual(['prompt_template']);
  });

  it('rejects a block without #end and a stray #end, which velocityjs would accept silently', () => {
    expect(rejection(() => renderPrompt('a\n#foreach ($r in $vectaraQueryResults) x', ctx())).message).toMatch(/#foreach on line 2 has no #end/);
    expect(rejection(() => renderPrompt('#if (true) a #end\nb #end c', ctx())).message).toMatch(/#end on line 2 closes no block/);
    // Comments and raw sections do not count; escaped and braced forms do what Velocity does.
    expect(renderPrompt('## #if in a comment\n#* #foreach *# #[[ #end ]]# #{if}(true)ok#{end} \\#end', ctx()).text).toContain('ok');
  });

  it('rejects templates over the length limit', () => {
    const err = rejection(() => renderPrompt('x'.repeat(MAX_TEMPLATE_CHARS + 1), ctx()));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/at most 65536/);
    expect(renderPrompt('x'.repeat(MAX_TEMPLATE_CHARS), ctx()).text).toHaveLength(MAX_TEMPLATE_CHARS);
  });

  it('rejects huge ranges instead of building them', () => {
    const err = rejection(() => renderPrompt('#foreach($i in [1..100000000])x#end', ctx()));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/range \[1\.\.100000000\] has 100000000 elements/);
    expect(text('#foreach($i in [1..10000])#end done')).toBe(' done');
  });

  it('rejects output that grows past the limit, however it grows', () => {
    const templates = [
      '#set($a = "xxxxxxxxxxxxxxxx")#foreach($i in [1..40])#set($a = "$a$a")#end',
      '#set($a = "xxxxxxxxxxxxxxxx")#foreach($i in [1..40])#set($a = $a + $a)#end',
      '#set($a = "xxxxxxxxxxxxxxxx")#foreach($i in [1..40])#set($a = $a.concat($a))#end',
      '#set($a = "xxxxxxxxxxxxxxxx")#foreach($i in [1..40])#set($a = $a.replace("x", "xx"))#end',
      '#foreach($i in [1..10000])$vectaraQueryResults $vectaraQueryResults $vectaraQueryResults#end',
    ];
    for (const template of templates) {
      const err = rejection(() => renderPrompt(template, ctx()));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/(longer|more) than 1048576 characters/);
    }
  });

  it('rejects templates that do too much work (the step limit stops them early)', () => {
    for (const template of [
      '#foreach($i in [1..10000])#foreach($j in [1..10000])#end#end',
      '#foreach($i in [1..10000])#set($l = [1..10000])#end',
    ]) {
      const err = rejection(() => renderPrompt(template, ctx()));
      expect(err.message).toMatch(/too much work/);
    }
  });

  it('rejects runaway recursion', () => {
    const err = rejection(() => renderPrompt('#macro(loop)x#loop()#end#loop()', ctx()));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/nest more than/);
  });

  it('gives templates no way to reach prototypes or functions', () => {
    const probes = [
      '$vectaraQuery.constructor',
      '#set($f = $vectaraQuery.constructor.constructor("return process"))$f $f.call()',
      '$vectaraQuery.__proto__',
      '$vectaraQuery.__lookupGetter__("__proto__")',
      '$vectaraQuery.getClass()',
      '$vectaraQuery.toString.call($vectaraQuery)',
      '$esc.constructor',
      '$esc.invoke("java", ["x"])',
      '$vectaraQueryResults.constructor',
      '$vectaraQueryResults.map',
      '$vectaraQueryResults[0].constructor',
      '$vectaraQueryResults[0].methods()',
      '$vectaraQueryResults[0].docMetadata().constructor',
      '$vectaraQueryResults[0].docMetadata().get("constructor")',
      '$vectaraQueryResults[0].docMetadata().get("__proto__")',
      '$toString()',
      '$constructor',
      '$hasOwnProperty',
      '#set($m = {})$m.get("constructor")',
      '#set($m = {"__proto__": $esc})$m.java("x")',
      '#toString()#constructor("x")#eval("$vectaraQuery")#evaluate("x")#parse("x")#include("x")',
    ];
    for (const probe of probes) {
      let out: string;
      try {
        out = text(probe);
      } catch (err) {
        // Some probes trip velocityjs's parser (`#toString()` is taken for a block): a 400, fine.
        expect(err, probe).toBeInstanceOf(QuarryError);
        expect((err as QuarryError).status).toBe(400);
        out = (err as QuarryError).message;
      }
      expect(out, probe).not.toMatch(/function|native code|\[object|=>/);
    }
    // Unknown names print as written, as Velocity prints any reference it cannot resolve.
    expect(text('$vectaraQuery.constructor')).toBe('$vectaraQuery.constructor');
    // Setting through a prototype path changes nothing global.
    text('#set($m = {})#set($m.__proto__.polluted = 1)#set($m.constructor.prototype.polluted = 1)');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('ordinal words', () => {
  it('spells ordinals', () => {
    const cases: Array<[number, string]> = [
      [1, 'first'], [2, 'second'], [3, 'third'], [4, 'fourth'], [5, 'fifth'], [8, 'eighth'], [9, 'ninth'],
      [11, 'eleventh'], [12, 'twelfth'], [20, 'twentieth'], [21, 'twenty-first'], [42, 'forty-second'],
      [100, 'one hundredth'], [101, 'one hundred first'], [999, 'nine hundred ninety-ninth'],
      [1000, '1000th'], [1001, '1001st'], [1012, '1012th'], [1023, '1023rd'],
    ];
    for (const [n, word] of cases) expect(ordinalWord(n)).toBe(word);
    expect(ordinalWords(0)).toHaveLength(10);
    expect(ordinalWords(15)).toHaveLength(15);
  });
});
