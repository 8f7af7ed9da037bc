import type { Duplex, Readable } from 'node:stream';
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPathStat,
  ContainerSummary,
  ContainerWaitResponse,
} from '../api/types/containers.js';
import type { ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImageSummary, JsonMessage } from '../api/types/images.js';
import type { CommitResponse, ContainerChange } from '../api/types/container-fs.js';
import type { ContainerPruneResponse, DiskUsageResponse, ImagePruneResponse } from '../api/types/disk-usage.js';
import type { InfoResponse, VersionResponse } from '../api/types/system.js';
import type { ContainerTopResponse } from '../api/types/container-process.js';
import type { StatsResponse } from '../api/types/stats.js';
import type { ExecCreateRequest, ExecCreateResponse, ExecInspect, ExecStartRequest } from '../api/types/exec.js';
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '../api/types/volumes.js';
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneResponse, NetworkResource } from '../api/types/networks.js';
import { checkStatus, hijack, readAll, send, type Endpoint, type RequestOptions } from './transport.js';
import { forEachJsonLine } from './json-lines.js';

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

  /** `GET /events`: a JSON-lines stream (read it with readJsonLines). */
  events(query: Query): Promise<Readable> {
    return this.stream('GET', '/events', { query });
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

  containerResize(id: string, height: number, width: number): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/resize`, { query: { h: height, w: width } });
  }

  containerPause(id: string): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/pause`);
  }

  containerUnpause(id: string): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/unpause`);
  }

  containerRename(id: string, name: string): Promise<void> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/rename`, { query: { name } });
  }

  containerUpdate(id: string, body: Record<string, unknown>): Promise<{ Warnings: string[] | null }> {
    return this.json('POST', `/containers/${encodeURIComponent(id)}/update`, { body });
  }

  containerStats(id: string): Promise<StatsResponse> {
    return this.json('GET', `/containers/${encodeURIComponent(id)}/stats`, { query: { stream: false } });
  }

  /** Calls `onStats` for each reading of the live stream; resolves when the daemon ends it. */
  async containerStatsStream(id: string, onStats: (s: StatsResponse) => void): Promise<void> {
    const stream = await this.stream('GET', `/containers/${encodeURIComponent(id)}/stats`, { query: { stream: true } });
    await forEachJsonLine(stream, onStats);
  }

  containerTop(id: string, psArgs?: string): Promise<ContainerTopResponse> {
    return this.json('GET', `/containers/${encodeURIComponent(id)}/top`, { query: { ps_args: psArgs } });
  }

  execCreate(container: string, body: ExecCreateRequest): Promise<ExecCreateResponse> {
    return this.json('POST', `/containers/${encodeURIComponent(container)}/exec`, { body });
  }

  /** Detached start: resolves once the process runs. */
  execStartDetached(id: string): Promise<void> {
    return this.json('POST', `/exec/${encodeURIComponent(id)}/start`, { body: { Detach: true } satisfies ExecStartRequest });
  }

  /** Attached start: the hijacked connection carries the process's stdio until it ends. */
  execStart(id: string, body: ExecStartRequest): Promise<Duplex> {
    return hijack(this.endpoint, `/exec/${encodeURIComponent(id)}/start`, {}, body);
  }

  execInspect(id: string): Promise<ExecInspect> {
    return this.json('GET', `/exec/${encodeURIComponent(id)}/json`);
  }

  execResize(id: string, height: number, width: number): Promise<void> {
    return this.json('POST', `/exec/${encodeURIComponent(id)}/resize`, { query: { h: height, w: width } });
  }

  volumeCreate(body: VolumeCreateRequest): Promise<Volume> {
    return this.json('POST', '/volumes/create', { body });
  }

  volumeList(query: Query): Promise<VolumeListResponse> {
    return this.json('GET', '/volumes', { query });
  }

  volumeInspect(name: string): Promise<Volume> {
    return this.json('GET', `/volumes/${encodeURIComponent(name)}`);
  }

  volumeRemove(name: string, force?: boolean): Promise<void> {
    return this.json('DELETE', `/volumes/${encodeURIComponent(name)}`, { query: { force } });
  }

  volumePrune(query: Query): Promise<VolumePruneResponse> {
    return this.json('POST', '/volumes/prune', { query });
  }

  networkCreate(body: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return this.json('POST', '/networks/create', { body });
  }

  networkList(query: Query): Promise<NetworkResource[]> {
    return this.json('GET', '/networks', { query });
  }

  networkInspect(ref: string): Promise<NetworkResource> {
    return this.json('GET', `/networks/${encodeURIComponent(ref)}`);
  }

  networkRemove(ref: string): Promise<void> {
    return this.json('DELETE', `/networks/${encodeURIComponent(ref)}`);
  }

  networkPrune(query: Query): Promise<NetworkPruneResponse> {
    return this.json('POST', '/networks/prune', { query });
  }

  networkConnect(ref: string, body: NetworkConnectRequest): Promise<void> {
    return this.json('POST', `/networks/${encodeURIComponent(ref)}/connect`, { body });
  }

  networkDisconnect(ref: string, container: string, force?: boolean): Promise<void> {
    return this.json('POST', `/networks/${encodeURIComponent(ref)}/disconnect`, { body: { Container: container, Force: force === true } });
  }

  /** HEAD containers/{id}/archive: the path's stat, or undefined when it does not exist. */
  async containerStatPath(id: string, path: string): Promise<ContainerPathStat | undefined> {
    const res = await send(this.endpoint, 'HEAD', `/containers/${encodeURIComponent(id)}/archive`, { query: { path } });
    res.stream.resume();
    if (res.status === 404) return undefined;
    await checkStatus(res);
    return decodePathStat(res.headers);
  }

  /** GET containers/{id}/archive: the path as a tar, with its stat. */
  async containerArchive(id: string, path: string): Promise<{ stat: ContainerPathStat; stream: Readable }> {
    const res = await checkStatus(await send(this.endpoint, 'GET', `/containers/${encodeURIComponent(id)}/archive`, { query: { path } }));
    return { stat: decodePathStat(res.headers), stream: res.stream };
  }

  /** PUT containers/{id}/archive: extracts the tar `body` into the directory `path`. */
  async containerPutArchive(id: string, path: string, body: Readable, query: Query): Promise<void> {
    const res = await checkStatus(
      await send(this.endpoint, 'PUT', `/containers/${encodeURIComponent(id)}/archive`, { query: { ...query, path }, bodyStream: body }),
    );
    await readAll(res.stream);
  }

  imageList(query: Query): Promise<ImageSummary[]> {
    return this.json('GET', '/images/json', { query });
  }

  /** The image list with each image's manifests (`image ls --tree`): API 1.47 and later. */
  imageListManifests(query: Query): Promise<ImageSummary[]> {
    return this.json('GET', '/images/json', { query: { ...query, manifests: '1' }, apiVersion: '1.47' });
  }

  imageInspect(name: string): Promise<ImageInspect> {
    return this.json('GET', `/images/${name}/json`);
  }

  imageRemove(name: string, query: Query): Promise<ImageDeleteResponseItem[]> {
    return this.json('DELETE', `/images/${name}`, { query });
  }

  imageHistory(name: string): Promise<ImageHistoryItem[]> {
    return this.json('GET', `/images/${name}/history`);
  }

  imageTag(name: string, repo: string, tag: string | undefined): Promise<void> {
    return this.json('POST', `/images/${name}/tag`, { query: { repo, tag } });
  }

  imagesPrune(query: Query): Promise<ImagePruneResponse> {
    return this.json('POST', '/images/prune', { query });
  }

  containerCommit(query: Query): Promise<CommitResponse> {
    return this.json('POST', '/commit', { query });
  }

  containerChanges(id: string): Promise<ContainerChange[] | null> {
    return this.json('GET', `/containers/${encodeURIComponent(id)}/changes`);
  }

  containerExport(id: string): Promise<Readable> {
    return this.stream('GET', `/containers/${encodeURIComponent(id)}/export`);
  }

  containersPrune(query: Query): Promise<ContainerPruneResponse> {
    return this.json('POST', '/containers/prune', { query });
  }

  systemDf(): Promise<DiskUsageResponse> {
    return this.json('GET', '/system/df');
  }

  /** Import (`fromSrc=-`) or pull (`fromImage`): a JSON-lines progress stream. */
  imageCreate(query: Query, body?: Readable): Promise<Readable> {
    return this.stream('POST', '/images/create', { query, bodyStream: body });
  }

  /** `docker pull`: a JSON-lines progress stream; `auth` is the base64url X-Registry-Auth. */
  imagePull(query: Query, auth?: string): Promise<Readable> {
    return this.stream('POST', '/images/create', { query, headers: auth ? { 'X-Registry-Auth': auth } : {} });
  }

  /** `docker push`: a JSON-lines progress stream (no tag: every local tag of the repository). */
  imagePush(name: string, tag: string | undefined, auth?: string): Promise<Readable> {
    return this.stream('POST', `/images/${name}/push`, { query: { tag }, headers: { 'X-Registry-Auth': auth ?? 'e30=' } });
  }

  /** `docker login`: checks the credentials against the registry. */
  auth(body: { username: string; password: string; serveraddress: string }): Promise<{ Status: string; IdentityToken?: string }> {
    return this.json('POST', '/auth', { body });
  }

  /** `docker save`: the tar stream of one or more images. */
  imageSave(names: string[]): Promise<Readable> {
    return this.stream('GET', '/images/get', { query: { names } });
  }

  /** `docker build` (classic builder): the context tar in, a JSON-lines stream of build output back. */
  imageBuild(query: Query, context: Readable): Promise<Readable> {
    return this.stream('POST', '/build', { query, bodyStream: context });
  }

  /** `docker load`: a JSON-lines progress stream (only the result lines when `quiet`). */
  imageLoad(body: Readable, quiet: boolean): Promise<Readable> {
    return this.stream('POST', '/images/load', { query: { quiet }, bodyStream: body });
  }
}

function decodePathStat(headers: Record<string, string | string[] | undefined>): ContainerPathStat {
  const raw = headers['x-docker-container-path-stat'];
  if (typeof raw !== 'string') throw new Error('the daemon sent no X-Docker-Container-Path-Stat header');
  return JSON.parse(Buffer.from(raw, 'base64').toString()) as ContainerPathStat;
}

/** Reads a JSON-lines progress stream, calling `onMessage` per message; throws on an `error` message. */
export async function readJsonMessages(stream: Readable, onMessage: (m: JsonMessage) => void): Promise<void> {
  await forEachJsonLine<JsonMessage>(stream, (msg) => {
    if (msg.error !== undefined) throw new Error(msg.errorDetail?.message ?? msg.error);
    onMessage(msg);
  });
}
