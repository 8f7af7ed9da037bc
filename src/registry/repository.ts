import type { Readable } from 'node:stream';
import { BerthError, invalidArgument, unavailable } from '../lib/errdefs.js';
import type { BlobSource, FetchedManifest, RemoteRepository } from '../core/registry.js';
import { isDigest, sha256, type Digest } from '../lib/digest.js';
import { MEDIA_TYPE } from '../lib/oci/image-spec.js';
import { basicHeader, parseChallenges, type AuthConfig } from './auth.js';
import { mountBlob, startUpload, uploadBlob } from './upload.js';
import { caFor, endpointsFor, type Endpoint, type RegistryConfig } from './config.js';
import { registryError } from './errors.js';
import { readBody, send, type HttpResponse } from './http.js';

/**
 * The largest manifest or index taken from a registry: 4 MiB, as distribution's server-side
 * limit (`maxManifestBodySize = 4 << 20`); containerd's resolver uses about the same
 * (`MaxManifestSize = 4 * 1048 * 1048`). Read before it is parsed, so it bounds berthd's memory.
 */
export const MAX_MANIFEST_BYTES = 4 << 20;

export const MANIFEST_ACCEPT = [MEDIA_TYPE.dockerManifest, MEDIA_TYPE.dockerManifestList, MEDIA_TYPE.ociManifest, MEDIA_TYPE.ociIndex].join(', ');

interface RequestSpec {
  method: string;
  /** Path after `/v2/<name>/`, or an absolute URL (upload locations). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  /** Extra token scopes (a cross-repo mount needs pull on the source). */
  scopes?: string[];
}

/**
 * One repository on one registry endpoint, with its credentials. Requests go out anonymous
 * first; a 401 is answered from its `WWW-Authenticate` challenge (Basic, or a Bearer token
 * fetched from the realm for `repository:<name>:<actions>`), and the answer is reused.
 * Credentials go only to the endpoint's own origin: not to an upload Location or a redirect on
 * another server (nor to a challenge such a server sends), and the password not to a token realm
 * over plain HTTP on another host name (that token is asked for anonymously).
 */
export class Repository implements RemoteRepository {
  private authorization: string | undefined;
  private pendingUpload: string | undefined;
  private ca: Buffer[] = [];

  private constructor(
    private readonly cfg: RegistryConfig,
    readonly endpoint: Endpoint,
    readonly domain: string,
    /** The repository path, e.g. `library/busybox`. */
    readonly name: string,
    private readonly auth: AuthConfig | undefined,
    private readonly actions: string,
  ) {}

  static async open(opts: { cfg: RegistryConfig; domain: string; name: string; auth?: AuthConfig; push?: boolean; endpoint?: Endpoint }): Promise<Repository> {
    const ep = opts.endpoint ?? endpointsFor(opts.cfg, opts.domain).at(-1)!;
    const repo = new Repository(opts.cfg, ep, opts.domain, opts.name, opts.auth, opts.push ? 'pull,push' : 'pull');
    repo.ca = await caFor(opts.cfg, ep.base.host);
    return repo;
  }

  private url(path: string): URL {
    return /^https?:\/\//.test(path) ? new URL(path) : new URL(`v2/${this.name}/${path}`, this.endpoint.base);
  }

  /** Sends a request, authenticating on a 401 once; the caller owns the response body. */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    const url = this.url(spec.path);
    const ours = url.origin === this.endpoint.base.origin;
    const go = (): Promise<HttpResponse> =>
      send({
        method: spec.method,
        url,
        headers: { ...spec.headers, ...(this.authorization && ours ? { Authorization: this.authorization } : {}) },
        body: typeof spec.body === 'function' ? spec.body() : spec.body,
        ca: this.ca,
        insecure: this.endpoint.insecure,
        timeoutMs: this.cfg.timeoutMs,
      });
    let res = await go();
    if (res.status !== 401) return res;
    const body = await readBody(res);
    if (!ours || res.url.origin !== this.endpoint.base.origin) throw registryError(401, body, '');
    const fresh = await this.authorize(res, spec.scopes ?? []);
    if (!fresh) throw registryError(401, body, '');
    res = await go();
    return res;
  }

  /** Like request, but a non-2xx answer becomes an error (its body read for the message). */
  async ok(spec: RequestSpec, context: string): Promise<HttpResponse> {
    const res = await this.request(spec);
    if (res.status >= 200 && res.status < 300) return res;
    throw registryError(res.status, await readBody(res).catch(() => Buffer.alloc(0)), context);
  }

  /** Answers a 401 challenge; false when there is nothing new to try. */
  private async authorize(res: HttpResponse, extraScopes: string[]): Promise<boolean> {
    const challenges = parseChallenges(res.headers['www-authenticate']);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      const token = await this.fetchToken(bearer.params, [...(this.name ? [`repository:${this.name}:${this.actions}`] : []), ...extraScopes]);
      const next = `Bearer ${token}`;
      if (next === this.authorization) return false;
      this.authorization = next;
      return true;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const basic = this.auth ? basicHeader(this.auth) : undefined;
      if (!basic || basic === this.authorization) return false;
      this.authorization = basic;
      return true;
    }
    return false;
  }

  private async fetchToken(params: Record<string, string>, scopes: string[]): Promise<string> {
    if (this.auth?.registrytoken) return this.auth.registrytoken;
    const realm = params.realm;
    if (!realm) throw unavailable('the registry sent a Bearer challenge without a realm');
    const url = new URL(realm);
    if (params.service) url.searchParams.set('service', params.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    // A realm over plain HTTP on another host would carry the password in clear to a third party
    // (another port of the registry's own host is the same machine, the same trust).
    const trusted = url.protocol === 'https:' || url.hostname === this.endpoint.base.hostname;
    const basic = this.auth && trusted ? basicHeader(this.auth) : undefined;
    const res = await send({
      method: 'GET',
      url,
      headers: basic ? { Authorization: basic } : {},
      ca: await caFor(this.cfg, url.host),
      insecure: this.endpoint.insecure && url.hostname === this.endpoint.base.hostname,
      timeoutMs: this.cfg.timeoutMs,
    });
    const body = await readBody(res);
    if (res.status !== 200) throw registryError(res.status, body, `GET ${url.origin}${url.pathname}`);
    const json = JSON.parse(body.toString()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw unavailable(`${url.origin}: the token server sent no token`);
    return token;
  }

  /** GET /v2/ with credentials: what `docker login` checks. */
  async ping(): Promise<void> {
    const res = await this.request({ method: 'GET', path: new URL('v2/', this.endpoint.base).href });
    const body = await readBody(res);
    if (res.status !== 200) throw registryError(res.status, body, `Get "${new URL('v2/', this.endpoint.base).href}"`);
  }

  async manifest(reference: string): Promise<FetchedManifest> {
    const res = await this.ok({ method: 'GET', path: `manifests/${reference}`, headers: { Accept: MANIFEST_ACCEPT } }, '');
    const bytes = await readBody(res, MAX_MANIFEST_BYTES, (n) =>
      invalidArgument(`manifest ${reference} is too large: ${n} bytes or more, the limit is ${MAX_MANIFEST_BYTES}`),
    );
    const digest = sha256(bytes);
    if (isDigest(reference) && reference !== digest) throw new BerthError('InvalidArgument', `manifest verification failed for digest ${reference}`);
    const declared = (JSON.parse(bytes.toString()) as { mediaType?: string }).mediaType;
    const mediaType = declared ?? String(res.headers['content-type'] ?? '').split(';')[0]!;
    return { mediaType, digest, bytes };
  }

  async blob(digest: Digest): Promise<Readable> {
    return (await this.ok({ method: 'GET', path: `blobs/${digest}` }, `fetching blob ${digest}`)).body;
  }

  async mount(digest: Digest, from: string): Promise<boolean> {
    const r = await mountBlob(this, digest, from);
    if (r.mounted) return true;
    this.pendingUpload = r.location;
    return false;
  }

  async upload(blob: BlobSource, onProgress: (sent: number) => void): Promise<void> {
    // A refused mount has already opened an upload session: use it rather than leak it.
    const location = this.pendingUpload ?? (await startUpload(this));
    this.pendingUpload = undefined;
    await uploadBlob(this, location, blob, this.cfg.chunkSize, onProgress);
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    const res = await this.request({ method: 'HEAD', path: `blobs/${digest}` });
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw registryError(res.status, Buffer.alloc(0), `HEAD blob ${digest}`);
  }

  async tags(): Promise<string[]> {
    const res = await this.ok({ method: 'GET', path: 'tags/list' }, '');
    const json = JSON.parse((await readBody(res)).toString()) as { tags?: string[] | null };
    return json.tags ?? [];
  }

  async putManifest(tag: string, mediaType: string, bytes: Buffer): Promise<void> {
    await this.ok({ method: 'PUT', path: `manifests/${tag}`, headers: { 'Content-Type': mediaType }, body: bytes }, '').then((r) => r.body.resume());
  }
}
