import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestApp, type TestServer } from '../helpers/app.js';
import { createCorpus, expectError, expectFieldError, expectOk, expectStream, type Client } from './support.js';

/**
 * Grounded answers with the built-in extractive summariser, end to end over HTTP: queries with
 * `generation` (whole and streamed), citations in every style, presets and their Vectara names,
 * prompt templates, languages, factual-consistency scores and history.
 */
const DOCS = [
  {
    id: 'tea',
    url: 'https://example.com/tea',
    parts: [
      'Green tea is brewed from unoxidized leaves. Water for green tea should be around 80 degrees.',
      'Brewing green tea takes about three minutes. Longer brewing makes it bitter.',
    ],
  },
  {
    id: 'coffee',
    url: 'https://example.com/coffee',
    parts: ['Coffee is brewed from roasted beans. An espresso is made by forcing hot water through fine grounds.'],
  },
  { id: 'cats', url: 'https://example.com/cats', parts: ['Cats sleep for most of the day. A cat purrs when it is content.'] },
];

const ALL_TEXT = DOCS.flatMap((d) => d.parts).join(' ');

describe('generation in queries', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    for (const d of DOCS) {
      const res = await owner.post('/v2/corpora/kb/documents', {
        type: 'core',
        id: d.id,
        metadata: { url: d.url, title: d.id.toUpperCase() },
        document_parts: d.parts.map((text) => ({ text })),
      });
      expectOk(res, 'createCorpusDocument', 201);
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  const ask = (generation: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    owner.post('/v2/corpora/kb/query', { query: 'How long does brewing green tea take?', search: { limit: 5 }, generation, ...extra });

  it('answers with sentences quoted from the results, each cited', async () => {
    const res = await ask({ citations: { style: 'numeric' } });
    expectOk(res, 'queryCorpus', 200);
    const summary: string = res.body.summary;
    expect(summary).toContain('Brewing green tea takes about three minutes.');
    const sentences = summary.split(/(?<=\])\s+/).filter(Boolean);
    expect(sentences.length).toBeGreaterThan(0);
    for (const s of sentences) {
      const m = /^(.*?)\s*\[(\d+)\]$/.exec(s);
      expect(m, s).not.toBeNull();
      const cited = res.body.search_results[Number(m![2]) - 1];
      expect(cited.text).toContain(m![1]);
      expect(ALL_TEXT).toContain(m![1]);
    }
    expect(res.body.response_language).toBe('eng');
    expect(res.body.factual_consistency_score).toBeGreaterThan(0.5);
    expect(res.body.factual_consistency_score).toBeLessThan(1);
  });

  it('formats citations as markdown and html with patterns from metadata', async () => {
    const md = await ask({ citations: { style: 'markdown', url_pattern: '{doc.url}', text_pattern: '{doc.title}' } });
    expectOk(md, 'queryCorpus', 200);
    expect(md.body.summary).toContain('[TEA](https://example.com/tea)');
    const html = await ask({ citations: { style: 'html', url_pattern: 'https://kb.example/{doc.id}' } });
    expectOk(html, 'queryCorpus', 200);
    expect(html.body.summary).toMatch(/<a href="https:\/\/kb\.example\/tea">\d+<\/a>/);
    const none = await ask({ citations: { style: 'none' } });
    expect(none.body.summary).not.toMatch(/\[\d+\]/);
    expect(none.body.summary).toContain('Brewing green tea takes about three minutes.');
  });

  it('accepts the deprecated aliases citations_options, prompt_name and prompt_text', async () => {
    const res = await ask({
      prompt_name: 'vectara-summary-ext-24-05-med-omni',
      prompt_text: '[{"role": "user", "content": "Q: $esc.java($vectaraQuery)"}]',
      citations_options: { style: 'none' },
    });
    expectOk(res, 'queryCorpus', 200);
    expect(res.body.summary).not.toMatch(/\[\d+\]/);
    expect(res.body.rendered_prompt).toBe('[{"role": "user", "content": "Q: How long does brewing green tea take?"}]');
  });

  it('serves every listed preset, and 400s an unknown one', async () => {
    const presets = await owner.get('/v2/generation_presets?limit=100');
    expectOk(presets, 'listGenerationPresets', 200);
    const names = (presets.body.generation_presets as any[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['mockingbird-2.0', 'vectara-summary-ext-24-05-large', 'vectara-summary-ext-v1.2.0']));
    for (const name of names) {
      const res = await ask({ generation_preset_name: name });
      expectOk(res, 'queryCorpus', 200);
      expect(res.body.summary.length).toBeGreaterThan(0);
    }
    expectFieldError(await ask({ generation_preset_name: 'no-such-preset' }), 'generation.generation_preset_name');
    expectFieldError(await ask({ model_parameters: { llm_name: 'no-such-llm' } }), 'generation.model_parameters.llm_name');
  });

  it('renders a custom prompt template and shows it; a broken template is a 400', async () => {
    const template =
      '[{"role": "system", "content": "Answer in $vectaraLangName."}, ' +
      '#foreach ($r in $vectaraQueryResults){"role": "user", "content": "$esc.java($r.getText())"},#end ' +
      '{"role": "user", "content": "$esc.java($vectaraQuery)"}]';
    const res = await ask({ prompt_template: template, max_used_search_results: 2, response_language: 'deu' });
    expectOk(res, 'queryCorpus', 200);
    const messages = JSON.parse(res.body.rendered_prompt);
    expect(messages[0]).toEqual({ role: 'system', content: 'Answer in German.' });
    expect(messages).toHaveLength(4);
    expect(res.body.response_language).toBe('deu');
    expectFieldError(await ask({ prompt_template: '#foreach ($r in $vectaraQueryResults)' }), 'generation.prompt_template');
  });

  it('generates nothing when generation is disabled, and omits the score when asked to', async () => {
    const off = await ask({ enabled: false });
    expectOk(off, 'queryCorpus', 200);
    expect(off.body.summary).toBeUndefined();
    const noScore = await ask({ enable_factual_consistency_score: false });
    expectOk(noScore, 'queryCorpus', 200);
    expect(noScore.body.summary.length).toBeGreaterThan(0);
    expect(noScore.body.factual_consistency_score).toBeUndefined();
  });

  it('limits the answer to about max_response_characters and the results to max_used_search_results', async () => {
    const res = await ask({ max_response_characters: 60, max_used_search_results: 1, citations: { style: 'numeric' } });
    expectOk(res, 'queryCorpus', 200);
    expect(res.body.summary).not.toMatch(/\[[2-9]\]/);
    expect(res.body.summary.split('[1]').filter((s: string) => s.trim()).length).toBe(1);
  });

  it('streams search_results, generation_info, chunks, generation_end, the score and end, each valid', async () => {
    const res = await ask({ citations: { style: 'numeric' } }, { stream_response: true });
    const events = expectStream(res, 'QueryStreamedResponse');
    const types = events.map((e) => e.data.type);
    expect(types[0]).toBe('search_results');
    expect(types[1]).toBe('generation_info');
    const chunks = types.filter((t) => t === 'generation_chunk').length;
    expect(chunks).toBeGreaterThan(0);
    expect(types.slice(2 + chunks)).toEqual(['generation_end', 'factual_consistency_score', 'end']);
    const streamed = events.filter((e) => e.data.type === 'generation_chunk').map((e) => e.data.generation_chunk).join('');
    const whole = await ask({ citations: { style: 'numeric' } });
    expect(streamed).toBe(whole.body.summary);
  });

  it('saves the answer and its score in the query history', async () => {
    const res = await ask({}, { save_history: true });
    expectOk(res, 'queryCorpus', 200);
    const list = await owner.get('/v2/queries?limit=100');
    const saved = (list.body.queries as any[]).find((q) => q.generation === res.body.summary);
    expect(saved).toBeDefined();
    expect(saved.factual_consistency_score).toBeCloseTo(res.body.factual_consistency_score, 6);
    const detail = await owner.get(`/v2/queries/${saved.id}`);
    expectOk(detail, 'getQueryHistory', 200);
    const spans = (detail.body.spans as any[]).map((s) => s.type);
    expect(spans).toEqual(expect.arrayContaining(['search', 'generation', 'fcs']));
  });

  it('warns when the answer language cannot be scored', async () => {
    await owner.post('/v2/corpora/kb/documents', {
      type: 'core',
      id: 'te',
      document_parts: [{ text: 'O chá verde é feito de folhas não oxidadas. A infusão do chá verde leva cerca de três minutos.' }],
    });
    const res = await owner.post('/v2/corpora/kb/query', {
      query: 'Quanto tempo leva a infusão do chá verde?',
      search: { limit: 1, lexical_interpolation: 1 },
      generation: {},
    });
    expectOk(res, 'queryCorpus', 200);
    expect(res.body.warnings).toContain('fcs_language_not_supported');
    expect(res.body.factual_consistency_score).toBeUndefined();
  });
});

describe('LLMs, presets, factual consistency, corrections and summaries', () => {
  let server: TestServer;
  let owner: Client;

  beforeAll(async () => {
    server = await startTestApp();
    owner = client(server.app, server.ownerKey);
    await createCorpus(owner, 'kb');
    const res = await owner.post('/v2/corpora/kb/documents', {
      type: 'core',
      id: 'ls',
      document_parts: [
        { text: 'ls lists the contents of a directory.' },
        { text: 'By default, ls sorts entries alphabetically. The -l option shows a long listing with permissions and sizes.' },
        { text: 'The -a option also shows hidden files, whose names start with a dot.' },
      ],
    });
    expectOk(res, 'createCorpusDocument', 201);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lists the built-in LLM as the default, which cannot be deleted', async () => {
    const res = await owner.get('/v2/llms');
    expectOk(res, 'listLLMs', 200);
    const builtin = res.body.llms[0];
    expect(builtin).toMatchObject({ id: 'llm_1', default: true, enabled: true });
    expect(builtin.description).toMatch(/extractive/i);
    expect(builtin.description).toMatch(/not a neural model/i);
    expectOk(await owner.get(`/v2/llms/${builtin.id}`), 'getLLM', 200);
    expectError(await owner.delete(`/v2/llms/${builtin.id}`), 403);
    expectError(await owner.get('/v2/llms/llm_999'), 404, 'NotFoundError');
  });

  it('lists presets filtered by LLM, paged', async () => {
    const first = await owner.get('/v2/generation_presets?limit=3');
    expectOk(first, 'listGenerationPresets', 200);
    expect(first.body.generation_presets).toHaveLength(3);
    expect(first.body.metadata.page_key).toBeDefined();
    const rest = await owner.get(`/v2/generation_presets?limit=100&page_key=${encodeURIComponent(first.body.metadata.page_key)}`);
    expect(rest.body.metadata.page_key).toBeUndefined();
    const none = await owner.get('/v2/generation_presets?llm_name=nothing');
    expect(none.body.generation_presets).toEqual([]);
    for (const p of first.body.generation_presets) expect(p.description).toMatch(/Quarry|served here/);
  });

  it('evaluates factual consistency: faithful high, contradicted low, unsupported language 422', async () => {
    const sources = ['The -l option shows a long listing with permissions and sizes.', 'ls sorts entries alphabetically by default.'];
    const good = await owner.post('/v2/evaluate_factual_consistency', { generated_text: 'The -l option shows a long listing with permissions and sizes.', source_texts: sources });
    expectOk(good, 'evaluateFactualConsistency', 200);
    const bad = await owner.post('/v2/evaluate_factual_consistency', {
      generated_text: 'The -l option never shows permissions or sizes.',
      source_texts: sources,
      model_parameters: { model_name: 'hhem_v2.3' },
    });
    expectOk(bad, 'evaluateFactualConsistency', 200);
    expect(good.body.score).toBeGreaterThan(bad.body.score);
    expectFieldError(
      await owner.post('/v2/evaluate_factual_consistency', { generated_text: 'x', source_texts: [], model_parameters: { model_name: 'nope' } }),
      'model_parameters.model_name',
    );
    const foreign = await owner.post('/v2/evaluate_factual_consistency', {
      generated_text: '緑茶は酸化していない茶葉から作られます。緑茶の抽出には約三分かかります。',
      source_texts: ['緑茶は酸化していない茶葉から作られます。'],
    });
    expectError(foreign, 422);
    // Long enough to tell, in a language the detector does not know: refused too, not scored as English.
    const unknown = await owner.post('/v2/evaluate_factual_consistency', {
      generated_text: 'Serikali imetangaza kwamba shule zote zitafunguliwa tena wiki ijayo baada ya likizo ndefu ya mvua.',
      source_texts: ['Shule zitafunguliwa wiki ijayo.'],
    });
    expectError(unknown, 422);
    expect(unknown.body.messages.join(' ')).toContain('(und)');
    // A short English text is not mistaken for another language.
    expectOk(await owner.post('/v2/evaluate_factual_consistency', { generated_text: 'How do I reset my password?', source_texts: sources }), 'evaluateFactualConsistency', 200);
    expectFieldError(await owner.post('/v2/evaluate_factual_consistency', { source_texts: [] }), 'generated_text');
    // The work grows with the input, so what is read is bounded.
    expectFieldError(
      await owner.post('/v2/evaluate_factual_consistency', { generated_text: 'The -l option.', source_texts: Array.from({ length: 30 }, () => 'x'.repeat(5000)) }),
      'source_texts',
    );
  });

  it('corrects hallucinations with explanations', async () => {
    const list = await owner.get('/v2/hallucination_correctors');
    expectOk(list, 'listHallucinationCorrectors', 200);
    const name = list.body.hallucination_correctors[0].name;
    const res = await owner.post('/v2/hallucination_correctors/correct_hallucinations', {
      generated_text: 'The -a option shows hidden files. The -z option deletes every file on the disk.',
      documents: [{ text: 'The -a option also shows hidden files, whose names start with a dot.' }],
      model_name: name,
    });
    expectOk(res, 'correctHallucinations', 200);
    expect(res.body.corrected_text).toContain('hidden files');
    expect(res.body.corrected_text).not.toContain('deletes every file');
    expect(res.body.corrections.length).toBeGreaterThan(0);
    for (const c of res.body.corrections) expect(c.explanation.length).toBeGreaterThan(0);
    expectFieldError(
      await owner.post('/v2/hallucination_correctors/correct_hallucinations', { generated_text: 'a', documents: [], model_name: 'nope' }),
      'model_name',
    );
  });

  it('summarises a document, whole and streamed, from its own sentences', async () => {
    const whole = await owner.post('/v2/corpora/kb/documents/ls/summarize', { llm_name: 'quarry-extractive-summariser' });
    expectOk(whole, 'summarizeCorpusDocument', 200);
    expect(whole.body.summary.length).toBeGreaterThan(0);
    expect(whole.body.summary).not.toMatch(/\[\d+\]/);
    expect(whole.body.summary).toContain('ls lists the contents of a directory.');
    const streamed = await owner.post('/v2/corpora/kb/documents/ls/summarize', { llm_name: 'quarry-extractive-summariser', stream_response: true });
    const events = expectStream(streamed, 'SummarizeDocumentStreamedResponse');
    expect(events.map((e) => e.data.type).filter((t) => t !== 'generation_chunk')).toEqual(['generation_info', 'generation_end', 'end']);
    expect(events.filter((e) => e.data.type === 'generation_chunk').map((e) => e.data.generation_chunk).join('')).toBe(whole.body.summary);
    // Vectara's preset names stand for the LLM that serves them, as the spec's own examples use them.
    const byPreset = await owner.post('/v2/corpora/kb/documents/ls/summarize', { llm_name: 'mockingbird-2.0' });
    expectOk(byPreset, 'summarizeCorpusDocument', 200);
    expect(byPreset.body.summary).toBe(whole.body.summary);
    expectError(await owner.post('/v2/corpora/kb/documents/nope/summarize', { llm_name: 'quarry-extractive-summariser' }), 404, 'NotFoundError');
    expectFieldError(await owner.post('/v2/corpora/kb/documents/ls/summarize', { llm_name: 'nope' }), 'llm_name');
    expectFieldError(await owner.post('/v2/corpora/kb/documents/ls/summarize', {}), 'llm_name');
  });

  it('answers OpenAI chat completions with the built-in summariser, whole and streamed', async () => {
    const body = {
      model: 'quarry-extractive-summariser',
      messages: [
        { role: 'system', content: 'The -a option also shows hidden files, whose names start with a dot. Cats purr.' },
        { role: 'user', content: 'Which option shows hidden files?' },
      ],
    };
    const res = await owner.post('/v2/llms/chat/completions', body);
    expectOk(res, 'createChatCompletion', 200);
    expect(res.body.object).toBe('chat.completion');
    expect(res.body.choices[0].message).toEqual({ role: 'assistant', content: 'The -a option also shows hidden files, whose names start with a dot.' });
    const streamed = await owner.post('/v2/llms/chat/completions', { ...body, stream: true });
    expect(streamed.status).toBe(200);
    const frames = streamed.text.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f));
    for (const c of chunks) expect(c.object).toBe('chat.completion.chunk');
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(res.body.choices[0].message.content);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expectFieldError(await owner.post('/v2/llms/chat/completions', { ...body, model: 'nope' }), 'model');
    expectFieldError(await owner.post('/v2/llms/chat/completions', { model: 'x', messages: [] }), 'messages');
  });
});
