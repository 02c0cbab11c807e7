import { invalidField } from './errors.js';

/** A remote endpoint given in a request: an absolute http(s) URL, else a 400 on `field`. */
export function httpUri(field: string, value: string): URL {
  let uri: URL;
  try {
    uri = new URL(value);
  } catch {
    throw invalidField(field, 'must be an absolute http or https URL');
  }
  if (uri.protocol !== 'http:' && uri.protocol !== 'https:') throw invalidField(field, 'must be an http or https URL');
  return uri;
}
