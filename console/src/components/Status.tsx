import { createContext, useContext } from 'react';

/** One polite live region for the whole console: "Copied", upload results, one-time codes. */
export const StatusContext = createContext<(message: string) => void>(() => {});

export function useAnnounce(): (message: string) => void {
  return useContext(StatusContext);
}

export function StatusRegion({ message }: { message: string }) {
  return (
    <div role="status" className={message ? 'status' : 'status empty'}>
      {message}
    </div>
  );
}
