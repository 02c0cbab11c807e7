import { authHeaders, loadCredential } from './session';

/** An error answered by the API: `{messages, request_id, field_errors?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly fieldErrors: Record<string, string> = {},
    readonly requestId?: string,
  ) {
    super(messages.join(' ') || `Request failed (HTTP ${status})`);
  }
}

type UnauthorizedHandler = (message: string) => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** Called when a signed-in call answers 401: the app signs out and shows the message. */
export function setUnauthorizedHandler(fn: UnauthorizedHandler): void {
  onUnauthorized = fn;
}

function toApiError(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { messages?: unknown; field_errors?: unknown; request_id?: unknown };
  const messages = Array.isArray(b.messages) ? b.messages.map(String) : [];
  const fieldErrors =
    b.field_errors && typeof b.field_errors === 'object' ? (b.field_errors as Record<string, string>) : {};
  return new ApiError(
    status,
    messages.length ? messages : [`Request failed (HTTP ${status}).`],
    fieldErrors,
    typeof b.request_id === 'string' ? b.request_id : undefined,
  );
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { messages: [text.slice(0, 500)] };
  }
}

function failed(status: number, body: unknown, signedIn: boolean): ApiError {
  const err = toApiError(status, body);
  if (status === 401 && signedIn) onUnauthorized(err.messages.join(' '));
  return err;
}

/** The one fetch wrapper: credential header, JSON in and out, error bodies thrown as ApiError. */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const credential = loadCredential();
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(credential) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
  });
  const data = await readBody(res);
  if (!res.ok) throw failed(res.status, data, credential !== null);
  return data as T;
}

/** Fetches every page of a list operation (`?limit=100&page_key=…`). */
export async function listAll<T>(path: string, field: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let pageKey: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=100${pageKey ? `&page_key=${encodeURIComponent(pageKey)}` : ''}`;
    const page = await api<Record<string, unknown>>('GET', url);
    out.push(...((page[field] as T[] | undefined) ?? []));
    pageKey = (page.metadata as { page_key?: string } | undefined)?.page_key;
    if (!pageKey) break;
  }
  return out;
}

export function seg(value: string): string {
  return encodeURIComponent(value);
}

export interface StreamEvent {
  type: string;
  [field: string]: unknown;
}

/** Splits a text/event-stream body into events; `event:` names the type when `data` has none. */
export function parseSseBlock(block: string): StreamEvent | null {
  let name = '';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  const text = data.join('\n');
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return { ...parsed, type: typeof parsed.type === 'string' ? parsed.type : name || 'message' };
  } catch {
    return { type: name || 'message', data: text };
  }
}

/** POSTs a streamed request and calls `onEvent` for each server-sent event as it arrives. */
export async function stream(
  path: string,
  body: unknown,
  onEvent: (e: StreamEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const credential = loadCredential();
  const res = await fetch(path, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...authHeaders(credential) },
    body: JSON.stringify(body),
    credentials: 'omit',
    signal,
  });
  if (!res.ok) throw failed(res.status, await readBody(res), credential !== null);
  if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    // The server chose not to stream: treat the whole answer as one search_results event.
    const data = (await readBody(res)) as Record<string, unknown> | undefined;
    onEvent({ type: 'search_results', ...(data ?? {}) });
    if (typeof data?.summary === 'string') onEvent({ type: 'generation_chunk', generation_chunk: data.summary });
    onEvent({ type: 'end' });
    return;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += value;
    let at: RegExpExecArray | null;
    while ((at = /\r?\n\r?\n/.exec(buffer))) {
      const event = parseSseBlock(buffer.slice(0, at.index));
      buffer = buffer.slice(at.index + at[0].length);
      if (event) onEvent(event);
    }
    if (done) break;
  }
  const last = parseSseBlock(buffer);
  if (last) onEvent(last);
}

/** Uploads one file with XMLHttpRequest so progress can be shown. Resolves with the document. */
export function uploadFile<T>(corpusKey: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  const credential = loadCredential();
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v2/corpora/${seg(corpusKey)}/upload_file`);
    xhr.setRequestHeader('accept', 'application/json');
    for (const [k, v] of Object.entries(authHeaders(credential))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = { messages: [xhr.responseText.slice(0, 500)] };
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(data as T);
      } else reject(failed(xhr.status, data, credential !== null));
    };
    xhr.onerror = () => reject(new ApiError(0, ['The upload failed: the server could not be reached.']));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
