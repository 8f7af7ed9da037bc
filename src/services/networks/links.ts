import type { ContainerRecord, HostConfig } from '../../core/containers.js';
import type { EndpointSettings } from '../../core/network.js';
import { conflict, invalidArgument, notFound } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';
import { linkEnv } from './link-env.js';

/**
 * Legacy links (`HostConfig.Links` — `docker run --link`, docker-compose's `links:`), as Docker
 * keeps them:
 * - on the default bridge, a link is an edge from the linking container to the linked one,
 *   named `/<linking>/<alias>`; it is recorded in Docker's form `/<linked>:/<linking>/<alias>`
 *   (what inspect shows), and at start gives the linking container an /etc/hosts line and the
 *   `<ALIAS>_…` variables (link-env.ts); `DELETE /containers/<linking>/<alias>?link=1` removes it;
 * - on a user-defined network, a link is an endpoint's `Links` entry `name:alias`: an alias of
 *   the linked container that only the linking container resolves (resolver.ts).
 */

/** Docker's opts.ParseLink: `name:alias`, `name` (alias = name), or inspect's `/name:/linking/alias`. */
export function parseLink(link: string): { name: string; alias: string } {
  const parts = link.split(':');
  if (link === '') throw invalidArgument('empty string specified for links');
  if (parts.length > 2) throw invalidArgument(`bad format for links: ${link}`);
  const [name = '', alias = name] = parts;
  if (name.startsWith('/')) return { name: name.slice(1), alias: alias.slice(alias.lastIndexOf('/') + 1) };
  return { name, alias };
}

const isDefaultBridge = (mode: string | undefined): boolean => !mode || mode === 'bridge' || mode === 'default';

/**
 * At create (Docker's registerLinks): on the default bridge every link must name an existing
 * container, not one on the host network, and is recorded as `/<linked>:/<name>/<alias>`; on a
 * user-defined network the links become the endpoint's (as the docker CLI sends them) and leave
 * HostConfig; with `host` or `container:` networking they are refused.
 */
export function registerLinks(
  deps: Pick<NetworkDeps, 'containers'>,
  hc: HostConfig,
  name: string,
  endpoints: Record<string, EndpointSettings> | undefined,
): string[] | null | undefined {
  const links = hc.Links ?? [];
  if (links.length === 0) return hc.Links;
  const mode = hc.NetworkMode ?? '';
  if (mode === 'host') throw invalidArgument("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  if (mode.startsWith('container:')) {
    throw invalidArgument("conflicting options: container type network can't be used with links. This would result in undefined behavior");
  }
  if (!isDefaultBridge(mode)) {
    // Docker's inspect shows no HostConfig.Links there (its link graph has no edge for them).
    const ep = Object.values(endpoints ?? {})[0];
    if (ep && !ep.Links?.length) ep.Links = links.map((l) => `${parseLink(l).name}:${parseLink(l).alias}`);
    return null;
  }
  return links.map((link) => {
    const { name: ref, alias } = parseLink(link);
    let child: ContainerRecord;
    try {
      child = deps.containers.get(ref);
    } catch (err) {
      throw invalidArgument(`could not get container for ${ref}: ${(err as Error).message}`);
    }
    if (child.HostConfig.NetworkMode === 'host') {
      throw invalidArgument("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    }
    return `/${child.Name}:/${name}/${alias}`;
  });
}

/** The linked containers of a default-bridge container, running, with their address on the bridge. */
export function linkedOnBridge(
  deps: Pick<NetworkDeps, 'containers' | 'store'>,
  rec: ContainerRecord,
): Array<{ child: ContainerRecord; alias: string; ip: string }> {
  const bridge = deps.store.find('bridge');
  const mine = Object.values(rec.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === bridge?.Id);
  if (bridge === undefined || !mine) return [];
  return (rec.HostConfig.Links ?? []).map((link) => {
    const { name: ref, alias } = parseLink(link);
    const child = deps.containers.get(ref);
    if (child.State.Status !== 'running' && child.State.Status !== 'paused') {
      throw conflict(`Cannot link to a non running container: /${child.Name} AS /${rec.Name}/${alias}`);
    }
    const ep = Object.values(child.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === bridge.Id && e.IPAddress);
    if (ep === undefined) throw conflict(`Cannot link to /${child.Name}, as it does not belong to the default network`);
    return { child, alias, ip: ep.IPAddress };
  });
}

/** The variables of all of a container's links, in its links' order (link-env.ts). */
export function linkedEnv(deps: Pick<NetworkDeps, 'containers' | 'store'>, rec: ContainerRecord): string[] {
  return linkedOnBridge(deps, rec).flatMap(({ child, alias, ip }) => linkEnv(`/${rec.Name}/${alias}`, child, ip));
}

/** The /etc/hosts lines of a container's links: `<address>\t<alias> <short id> <name>`, as Docker writes them. */
export function linkHostLines(deps: Pick<NetworkDeps, 'containers' | 'store'>, rec: ContainerRecord): string[] {
  return linkedOnBridge(deps, rec).map(({ child, alias, ip }) => `${ip}\t${[...new Set([alias, child.Id.slice(0, 12), child.Name])].join(' ')}`);
}

/**
 * `docker rm --link <linking>/<alias>` (`DELETE /containers/<linking>/<alias>?link=1`): the
 * link leaves the linking container's record (and, when it runs, its /etc/hosts at the next
 * write); the linked container is untouched. Returns the linking container, to be saved.
 */
export function removeLink(deps: Pick<NetworkDeps, 'containers'>, linkName: string): ContainerRecord {
  const name = `/${linkName.replace(/^\/+|\/+$/g, '')}`;
  const slash = name.lastIndexOf('/');
  if (slash === 0) throw conflict('Conflict, cannot remove the default link name of the container');
  const parentName = name.slice(1, slash);
  const alias = name.slice(slash + 1);
  let parent: ContainerRecord;
  try {
    parent = deps.containers.get(parentName);
  } catch {
    throw conflict(`Cannot get parent /${parentName} for link name ${name}`);
  }
  const links = parent.HostConfig.Links ?? [];
  const kept = links.filter((l) => parseLink(l).alias !== alias);
  if (kept.length === links.length) throw notFound(`No such container: ${linkName}`);
  parent.HostConfig.Links = kept.length ? kept : null;
  return parent;
}

/**
 * A container's recorded links after the container `from` was renamed to `to` (`to` undefined:
 * removed, its links go): the linked side (`/from:/…`) and the linking side (`/…:/from/alias`)
 * both follow, as Docker's link graph is keyed by container, not by name.
 */
export function relinked(links: readonly string[], from: string, to: string | undefined): string[] {
  return links.flatMap((link) => {
    const m = /^\/([^:]+):\/([^/]+)\/(.+)$/.exec(link);
    if (m === null) return [link];
    const [, child, parent, alias] = m as unknown as [string, string, string, string];
    if (child === from) return to === undefined ? [] : [`/${to}:/${parent}/${alias}`];
    if (parent === from && to !== undefined) return [`/${child}:/${to}/${alias}`];
    return [link];
  });
}
