import type { InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'aria-describedby'> & {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  /** A help line under the input, tied to it with aria-describedby (id `${id}-help`). */
  help?: string;
};

/** A labelled text input, with an optional help line. */
export function FormField({ id, label, value, onValue, help, ...rest }: Props) {
  const helpId = help ? `${id}-help` : undefined;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onValue(e.target.value)} aria-describedby={helpId} {...rest} />
      {help && (
        <p id={helpId} className="help">
          {help}
        </p>
      )}
    </>
  );
}
