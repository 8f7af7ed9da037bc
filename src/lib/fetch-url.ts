import { Readable } from 'node:stream';
import { invalidArgument } from './errdefs.js';

/**
 * GETs an http(s) URL and returns its body as a stream (import from a URL). A non-2xx answer
 * or a connection failure is an InvalidArgument error worded like Docker's.
 */
export async function fetchStream(url: string): Promise<Readable> {
  if (!/^https?:\/\//i.test(url)) throw invalidArgument(`unsupported URL scheme: ${url}`);
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw invalidArgument(`Get "${url}": ${cause}`);
  }
  if (!res.ok || res.body === null) {
    const text = (await res.text().catch(() => '')).slice(0, 200).trim();
    throw invalidArgument(`failed to GET ${url} with status ${res.status} ${res.statusText}: ${text}`);
  }
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
}
