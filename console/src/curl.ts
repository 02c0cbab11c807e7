/** A copyable curl command for a request, with a placeholder instead of the real credential. */
export function curlCommand(path: string, body: unknown): string {
  const json = JSON.stringify(body, null, 2).replace(/'/g, "'\\''");
  return [
    `curl -N -X POST '${window.location.origin}${path}'`,
    `  -H "x-api-key: $QUARRY_API_KEY"`,
    `  -H 'Content-Type: application/json'`,
    `  -H 'Accept: text/event-stream'`,
    `  -d '${json}'`,
  ].join(' \\\n');
}
