import { ProviderError } from '../types.js';

/** POSTs JSON and returns the parsed reply; network errors, 429 and 5xx are retryable. */
export async function postJson(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
  } catch (err) {
    if (signal.aborted) throw new ProviderError('timed out', true);
    throw new ProviderError(`request failed: ${(err as Error).message}`, true);
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw new ProviderError(signal.aborted ? 'timed out' : 'reply body could not be read', true);
  }
  if (!res.ok) throw new ProviderError(`HTTP ${res.status}`, res.status === 429 || res.status >= 500);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderError('malformed reply: not JSON', false);
  }
}

/** Joins a base URL and an API path, tolerating a base that already ends in /v1. */
export function apiUrl(base: string, path: string): string {
  const b = base.replace(/\/+$/, '');
  return b.endsWith('/v1') ? `${b}${path.replace(/^\/v1/, '')}` : `${b}${path}`;
}
