// Talking to berthd: JSON calls and event streams under /ui/api (the session cookie carries the token).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T>(method: string, path: string): Promise<T> {
  const res = await fetch(`/ui/api${path}`, { method, credentials: 'same-origin' });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(res.status, body.message ?? res.statusText);
  }
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);

/** Subscribes to an event stream; returns the function that closes it. */
export function stream<T>(path: string, event: string, onData: (d: T) => void, onEnd?: () => void): () => void {
  const es = new EventSource(`/ui/api${path}`);
  es.addEventListener(event, (e) => onData(JSON.parse((e as MessageEvent<string>).data) as T));
  es.addEventListener('end', () => {
    es.close();
    onEnd?.();
  });
  return () => es.close();
}
