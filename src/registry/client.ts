import type { AuthConfig, RegistryClient, RemoteRepository } from '../core/registry.js';
import { endpointsFor, type RegistryConfig } from './config.js';
import { Repository } from './repository.js';

/**
 * The daemon's registry client: resolves a repository to an endpoint (a mirror that answers for
 * `probe`, else the registry itself, over https or, for insecure registries, http) with its CA.
 */
export class DistributionClient implements RegistryClient {
  constructor(private readonly cfg: RegistryConfig) {}

  async repository(opts: { domain: string; name: string; auth?: AuthConfig; push?: boolean; probe?: string }): Promise<RemoteRepository> {
    const endpoints = endpointsFor(this.cfg, opts.domain);
    if (!opts.push && opts.probe !== undefined) {
      for (const ep of endpoints.slice(0, -1)) {
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
    return Repository.open({ cfg: this.cfg, ...opts, endpoint: endpoints.at(-1)! });
  }

  async login(domain: string, auth: AuthConfig): Promise<void> {
    const repo = await Repository.open({ cfg: this.cfg, domain, name: '', auth, endpoint: endpointsFor(this.cfg, domain).at(-1)! });
    await repo.ping();
  }
}
