import type { ReactNode } from 'react';

interface Props {
  text: string;
  done: boolean;
  factualConsistency: number | null;
  resultCount: number;
  onCite: (index: number) => void;
}

/** Turns citation markers like [1] into buttons that move focus to that result. */
function withCitations(text: string, resultCount: number, onCite: (i: number) => void): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    const n = Number(m[1]);
    const at = m.index ?? 0;
    if (n < 1 || n > resultCount) continue;
    out.push(text.slice(last, at));
    out.push(
      <button key={at} type="button" className="cite" aria-label={`Go to result ${n}`} onClick={() => onCite(n)}>
        [{n}]
      </button>,
    );
    last = at + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

export function Answer({ text, done, factualConsistency, resultCount, onCite }: Props) {
  return (
    <section aria-labelledby="answer-heading" className="card answer" aria-busy={!done}>
      <h2 id="answer-heading">Answer</h2>
      <p className="answer-text">{text ? withCitations(text, resultCount, onCite) : done ? 'No answer was generated.' : 'Generating…'}</p>
      {factualConsistency !== null && (
        <p className="muted">Factual consistency score: {factualConsistency.toFixed(3)}</p>
      )}
    </section>
  );
}
