import type { SearchResult } from '../types';

/** The ranked search results; each item can take focus when a citation points at it. */
export function Results({ results }: { results: SearchResult[] }) {
  return (
    <section className="card">
      <h2 id="results-heading">Results</h2>
      {results.length === 0 ? (
        <p>No results.</p>
      ) : (
        <ol aria-label="Results" className="results">
          {results.map((r, i) => (
            <li key={i} id={`result-${i + 1}`} tabIndex={-1}>
              <p className="result-text">{r.text}</p>
              <p className="muted">
                Document <code>{r.document_id ?? '—'}</code> · Score {typeof r.score === 'number' ? r.score.toFixed(4) : '—'}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
