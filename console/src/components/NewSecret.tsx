import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  heading: string;
  children: ReactNode;
  onDismiss: () => void;
}

/** A panel that shows a freshly created secret once; it takes focus so it is not missed. */
export function NewSecret({ heading, children, onDismiss }: Props) {
  const id = useId();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section ref={ref} tabIndex={-1} aria-labelledby={id} className="card new-secret">
      <h2 id={id}>{heading}</h2>
      {children}
      <button type="button" onClick={onDismiss}>
        Done
      </button>
    </section>
  );
}
