import { useAnnounce } from './Status';

interface Props {
  text: string | undefined;
  label: string;
  ariaLabel?: string;
  className?: string;
}

/** Copies `text` to the clipboard and announces "Copied"; disabled when there is nothing to copy. */
export function CopyButton({ text, label, ariaLabel, className }: Props) {
  const announce = useAnnounce();
  const copy = async () => {
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
      announce('Copied');
    } catch {
      announce('Could not copy: the browser refused clipboard access.');
    }
  };
  return (
    <button type="button" className={className} aria-label={ariaLabel} disabled={!text} onClick={() => void copy()}>
      {label}
    </button>
  );
}
