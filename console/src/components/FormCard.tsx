import type { ReactNode } from 'react';
import type { Action } from '../hooks';
import { ErrorAlert } from './ErrorAlert';

interface Props<At extends string> {
  /** The heading's id. */
  id: string;
  title: string;
  submitLabel: string;
  /** Submitting runs `onSubmit` as `action`'s `at` action: the button waits while it runs, its error shows here. */
  action: Action<At>;
  at: At;
  onSubmit: () => Promise<void>;
  /** Name the section by its heading (making it a region). */
  labelled?: boolean;
  /** Shown between the heading and the form. */
  intro?: ReactNode;
  children: ReactNode;
}

/** A card with a heading and one form: its fields, its error, and a primary submit button. */
export function FormCard<At extends string>(props: Props<At>) {
  const { id, title, submitLabel, action, at, onSubmit, labelled, intro, children } = props;
  return (
    <section aria-labelledby={labelled ? id : undefined} className="card">
      <h2 id={id}>{title}</h2>
      {intro}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(at, onSubmit);
        }}
      >
        {children}
        <ErrorAlert error={action.errorAt(at)} />
        <button type="submit" className="primary" disabled={action.busy}>
          {submitLabel}
        </button>
      </form>
    </section>
  );
}
