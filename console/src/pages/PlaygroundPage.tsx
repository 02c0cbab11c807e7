import { useRef, useState, type FormEvent } from 'react';
import { ApiError, api, listAll, seg, stream, type StreamEvent } from '../api';
import { Answer } from '../components/Answer';
import { CopyButton } from '../components/CopyButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeading } from '../components/PageHeading';
import { Results } from '../components/Results';
import { curlCommand } from '../curl';
import { useLoad } from '../hooks';
import type { Corpus, Named, SearchResult } from '../types';

interface Options {
  corpora: string[];
  rerankers: string[];
  presets: string[];
}

async function loadOptions(): Promise<Options> {
  const [corpora, rerankers, presets] = await Promise.all([
    listAll<Corpus>('/v2/corpora', 'corpora'),
    api<{ rerankers?: Named[] }>('GET', '/v2/rerankers?limit=100').catch(() => ({ rerankers: [] })),
    api<{ generation_presets?: Named[] }>('GET', '/v2/generation_presets?limit=100').catch(() => ({ generation_presets: [] })),
  ]);
  return {
    corpora: corpora.map((c) => c.key),
    rerankers: (rerankers.rerankers ?? []).map((r) => r.name),
    presets: (presets.generation_presets ?? []).map((p) => p.name),
  };
}

interface Form {
  corpus: string;
  query: string;
  lexical: string;
  filter: string;
  reranker: string;
  preset: string;
}

function requestBody(f: Form): Record<string, unknown> {
  const search: Record<string, unknown> = {};
  if (f.lexical.trim() !== '') search.lexical_interpolation = Number(f.lexical);
  if (f.filter.trim() !== '') search.metadata_filter = f.filter.trim();
  search.reranker = f.reranker ? { type: 'customer_reranker', reranker_name: f.reranker } : { type: 'none' };
  const body: Record<string, unknown> = { query: f.query, search };
  if (f.preset) body.generation = { generation_preset_name: f.preset, citations: { style: 'numeric' } };
  body.stream_response = true;
  return body;
}

export function PlaygroundPage() {
  const options = useLoad(loadOptions, { corpora: [], rerankers: [], presets: [] });
  const [form, setForm] = useState<Form>({ corpus: '', query: '', lexical: '', filter: '', reranker: '', preset: '' });
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [answer, setAnswer] = useState<{ text: string; done: boolean; fcs: number | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const corpus = form.corpus || options.data.corpora[0] || '';
  const path = `/v2/corpora/${seg(corpus || 'CORPUS_KEY')}/query`;
  const body = requestBody({ ...form, corpus });
  const set = (field: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));

  const onEvent = (e: StreamEvent) => {
    switch (e.type) {
      case 'search_results':
        setResults((e.search_results as SearchResult[] | undefined) ?? []);
        break;
      case 'generation_chunk':
        setAnswer((a) => ({ text: (a?.text ?? '') + String(e.generation_chunk ?? ''), done: false, fcs: a?.fcs ?? null }));
        break;
      case 'generation_end':
        setAnswer((a) => ({ text: a?.text ?? '', done: true, fcs: a?.fcs ?? null }));
        break;
      case 'factual_consistency_score':
        setAnswer((a) => ({ text: a?.text ?? '', done: a?.done ?? true, fcs: Number(e.factual_consistency_score) }));
        break;
      case 'error': {
        const messages = Array.isArray(e.messages) ? e.messages.map(String) : ['The query failed.'];
        setError(new ApiError(500, messages));
        break;
      }
      case 'end':
        setAnswer((a) => (a ? { ...a, done: true } : a));
        break;
    }
  };

  const run = async (ev: FormEvent) => {
    ev.preventDefault();
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setResults(null);
    setAnswer(form.preset ? { text: '', done: false, fcs: null } : null);
    setRunning(true);
    try {
      if (!corpus) throw new Error('Create a corpus first: there is nothing to query.');
      await stream(path, body, onEvent, controller.signal);
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError')) setError(err);
    } finally {
      setAnswer((a) => (a ? { ...a, done: true } : a));
      if (abort.current === controller) setRunning(false);
    }
  };

  const cite = (n: number) => document.getElementById(`result-${n}`)?.focus();
  const curl = curlCommand(path, body);

  return (
    <>
      <PageHeading>Playground</PageHeading>
      <ErrorAlert error={options.error} />
      <section className="card">
        <h2 id="query-heading">Query a corpus</h2>
        <form onSubmit={(e) => void run(e)} className="grid">
          <label htmlFor="pg-corpus">Corpus</label>
          <select id="pg-corpus" value={corpus} onChange={set('corpus')}>
            {options.data.corpora.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          <label htmlFor="pg-query">Query</label>
          <textarea id="pg-query" rows={3} value={form.query} onChange={set('query')} required />
          <label htmlFor="pg-lexical">Lexical interpolation</label>
          <input
            id="pg-lexical"
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={form.lexical}
            onChange={set('lexical')}
            aria-describedby="pg-lexical-help"
          />
          <p id="pg-lexical-help" className="help">
            0 is meaning only, 1 is keywords only; leave empty for the server default.
          </p>
          <label htmlFor="pg-filter">Metadata filter</label>
          <input
            id="pg-filter"
            value={form.filter}
            onChange={set('filter')}
            spellCheck={false}
            placeholder="doc.year = 2024"
          />
          <label htmlFor="pg-reranker">Reranker</label>
          <select id="pg-reranker" value={form.reranker} onChange={set('reranker')}>
            <option value="">None</option>
            {options.data.rerankers.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <label htmlFor="pg-preset">Generation preset</label>
          <select id="pg-preset" value={form.preset} onChange={set('preset')}>
            <option value="">No generation</option>
            {options.data.presets.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <div>
            <button type="submit" className="primary" disabled={running}>
              Run query
            </button>
          </div>
        </form>
      </section>

      <ErrorAlert error={error} />
      {answer && (
        <Answer
          text={answer.text}
          done={answer.done}
          factualConsistency={answer.fcs}
          resultCount={results?.length ?? 0}
          onCite={cite}
        />
      )}
      {results && <Results results={results} />}

      <section className="card">
        <h2 id="curl-heading">The same request with curl</h2>
        <p className="muted">Set QUARRY_API_KEY to your key first; the console never puts your credential here.</p>
        <pre className="curl" tabIndex={0}>
          {curl}
        </pre>
        <CopyButton text={curl} label="Copy curl" />
      </section>
    </>
  );
}
