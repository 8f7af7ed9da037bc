import type { Duplex, Readable } from 'node:stream';
import type {
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerSummary, ContainerWaitResponse,
} from '../api/types/containers.js';
import type { ImageDeleteResponseItem, ImageInspect, ImageSummary, JsonMessage } from '../api/types/images.js';
import type { InfoResponse, VersionResponse } from '../api/types/system.js';
import { checkStatus, hijack, readAll, send, type Endpoint, type RequestOptions } from './transport.js';

type Query = RequestOptions['query'];

/**
 * A typed Docker Engine API client: one method per endpoint, shapes from api/types.
 * Errors come back as BerthErrors whose kind matches the HTTP status.
 */
export class EngineClient {
  constructor(readonly endpoint: Endpoint) {}

  private async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await checkStatus(await send(this.endpoint, method, path, opts));
    const text = (await readAll(res.stream)).toString();
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A request whose body is streamed back to the caller (logs, import progress). */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<Readable> {
    return (await checkStatus(await send(this.endpoint, method, path, opts))).stream;
  }

  async ping(): Promise<string> {
    const res = await checkStatus(await send(this.endpoint, 'GET', '/_ping'));
    return (await readAll(res.stream)).toString();
  }

  version(): Promise<VersionResponse> {
    return this.json('GET', '/version');
  }

  info(): Promise<InfoResponse> {
    return this.json('GET', '/info');
  }

  containerCreate(body: ContainerCreateRequest, name?: string): Promise<ContainerCreateResponse> {
    return this.json('POST', '/containers/create', { body, query: { name } });
  }

  containerList(query: Query): Promise<ContainerSummary[]> {
    return this.json('GET', '/containers/json', { query });
  }

  containerInspect(id: string): Promise<ContainerInspect> {
    return this.json('GET', `/containers/${encodeURIComponent(id)}/json`);
  }

  containerStart(id: string): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/start`);
  }

  containerStop(id: string, query: Query): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/stop`, { query });
  }

  containerRestart(id: string, query: Query): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/restart`, { query });
  }

  containerKill(id: string, signal?: string): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/kill`, { query: { signal } });
  }

  containerRemove(id: string, query: Query): Promise<void> {
    return this.json('DELETE', `/containers/${encodeURIComponent(id)}`, { query });
  }

  /** Resolves once the daemon has registered the wait; `result` settles when the condition is met. */
  async containerWait(id: string, condition: string): Promise<{ result: Promise<ContainerWaitResponse> }> {
    const res = await checkStatus(await send(this.endpoint, 'POST', `/containers/${encodeURIComponent(id)}/wait`, { query: { condition } }));
    return { result: readAll(res.stream).then((b) => JSON.parse(b.toString()) as ContainerWaitResponse) };
  }

  containerLogs(id: string, query: Query): Promise<Readable> {
    return this.stream('GET', `/containers/${encodeURIComponent(id)}/logs`, { query });
  }

  containerAttach(id: string, query: Query): Promise<Duplex> {
    return hijack(this.endpoint, `/containers/${encodeURIComponent(id)}/attach`, query);
  }

  imageList(query: Query): Promise<ImageSummary[]> {
    return this.json('GET', '/images/json', { query });
  }

  imageInspect(name: string): Promise<ImageInspect> {
    return this.json('GET', `/images/${name}/json`);
  }

  imageRemove(name: string, query: Query): Promise<ImageDeleteResponseItem[]> {
    return this.json('DELETE', `/images/${name}`, { query });
  }

  /** Import (`fromSrc=-`) or pull (`fromImage`): a JSON-lines progress stream. */
  imageCreate(query: Query, body?: Readable): Promise<Readable> {
    return this.stream('POST', '/images/create', { query, bodyStream: body });
  }
}

/** Reads a JSON-lines progress stream, calling `onMessage` per message; throws on an `error` message. */
export async function readJsonMessages(stream: Readable, onMessage: (m: JsonMessage) => void): Promise<void> {
  let buf = '';
  const handle = (line: string): void => {
    if (line.trim() === '') return;
    const msg = JSON.parse(line) as JsonMessage;
    if (msg.error !== undefined) throw new Error(msg.errorDetail?.message ?? msg.error);
    onMessage(msg);
  };
  for await (const chunk of stream) {
    buf += (chunk as Buffer).toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      handle(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  }
  handle(buf);
}
