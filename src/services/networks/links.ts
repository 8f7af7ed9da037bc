import type { ContainerRecord } from '../../core/containers.js';
import { conflict } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';

/**
 * Legacy links (`HostConfig.Links`, "name:alias" — `docker run --link`, docker-compose's one-off
 * `run` containers): as on Docker's default bridge, each linked container becomes an /etc/hosts
 * line `<address>\t<alias> <short id> <name>` of the linking container only, with its address on
 * the first network both share. A linked container must be running when the linking one starts.
 */
export function linkHostLines(deps: Pick<NetworkDeps, 'containers'>, rec: ContainerRecord): string[] {
  const lines: string[] = [];
  for (const link of rec.HostConfig.Links ?? []) {
    const [ref = '', alias = ref] = link.split(':').map((s) => s.replace(/^\/+/, '').split('/').pop()!);
    const other = deps.containers.get(ref);
    if (other.State.Status !== 'running' && other.State.Status !== 'paused') {
      throw conflict(`Cannot link to a non running container: /${other.Name} AS /${rec.Name}/${alias}`);
    }
    const mine = Object.values(rec.NetworkSettings?.Networks ?? {}).map((e) => e.NetworkID);
    const ep = Object.values(other.NetworkSettings?.Networks ?? {}).find((e) => mine.includes(e.NetworkID) && e.IPAddress);
    if (ep === undefined) throw conflict(`Cannot link to /${other.Name}, as it does not belong to the default network`);
    lines.push(`${ep.IPAddress}\t${[...new Set([alias, other.Id.slice(0, 12), other.Name])].join(' ')}`);
  }
  return lines;
}
