import { ApiError } from '../api';

/** Shows an API error's messages and field errors in an alert. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const messages = error instanceof ApiError ? error.messages : [error instanceof Error ? error.message : String(error)];
  const fields = error instanceof ApiError ? Object.entries(error.fieldErrors) : [];
  return (
    <div role="alert" className="alert">
      {messages.map((m, i) => (
        <p key={i}>{m}</p>
      ))}
      {fields.length > 0 && (
        <ul>
          {fields.map(([field, message]) => (
            <li key={field}>
              <code>{field}</code>: {message}
            </li>
          ))}
        </ul>
      )}
      {error instanceof ApiError && error.requestId && <p className="muted">Request ID: {error.requestId}</p>}
    </div>
  );
}
