import type { AuthConfig, RegistryClient, RemoteRepository } from '../core/registry.js';
import { caFor, endpointsFor, type Endpoint, type RegistryConfig } from './config.js';
import { send } from './http.js';
import { Repository } from './repository.js';

/**
 * The daemon's registry client: resolves a repository to an endpoint (a mirror that answers for
 * `probe`, else the registry itself: over https, or for an insecure registry the first of https
 * without verification and plain http that speaks HTTP at all) with its CA.
 */
export class DistributionClient implements RegistryClient {
  constructor(private readonly cfg: RegistryConfig) {}

  async repository(opts: { domain: string; name: string; auth?: AuthConfig; push?: boolean; probe?: string }): Promise<RemoteRepository> {
    const endpoints = endpointsFor(this.cfg, opts.domain);
    if (!opts.push && opts.probe !== undefined) {
      for (const ep of endpoints.filter((e) => e.mirror)) {
        const repo = await Repository.open({ cfg: this.cfg, ...opts, endpoint: ep });
        if (
          await repo.manifest(opts.probe).then(
            () => true,
            () => false,
          )
        )
          return repo;
      }
    }
    return Repository.open({ cfg: this.cfg, ...opts, endpoint: await this.reachable(endpoints.filter((e) => !e.mirror)) });
  }

  async login(domain: string, auth: AuthConfig): Promise<void> {
    const endpoint = await this.reachable(endpointsFor(this.cfg, domain).filter((e) => !e.mirror));
    const repo = await Repository.open({ cfg: this.cfg, domain, name: '', auth, endpoint });
    await repo.ping();
  }

  /**
   * The first endpoint that answers `GET /v2/` with any HTTP status (401 included), as Docker
   * falls back from https to http for an insecure registry when the TLS handshake or the
   * connection fails. One endpoint is used as it is; when none answers, the last one's error.
   */
  private async reachable(endpoints: Endpoint[]): Promise<Endpoint> {
    if (endpoints.length === 1) return endpoints[0]!;
    let last: unknown;
    for (const ep of endpoints) {
      try {
        const res = await send({
          method: 'GET',
          url: new URL('v2/', ep.base),
          ca: await caFor(this.cfg, ep.base.host),
          insecure: ep.insecure,
          timeoutMs: this.cfg.timeoutMs,
        });
        res.body.resume();
        return ep;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }
}
