import type { ReactNode } from 'react';

interface Props {
  /** The accessible name, naming the row: "Delete key web search". */
  name: string;
  onClick: () => void;
  danger?: boolean;
  disabled?: boolean;
  children: ReactNode;
}

/** A button in a table row's actions cell. */
export function RowButton({ name, onClick, danger, disabled, children }: Props) {
  return (
    <button
      type="button"
      className={danger ? 'danger' : undefined}
      disabled={disabled}
      aria-label={name}
      onClick={onClick}
    >
      {children}
    </button>
  );
}
