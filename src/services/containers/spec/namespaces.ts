import { notImplemented } from '../../../core/errdefs.js';
import type { LinuxNamespace } from '../../../lib/oci/runtime-spec.js';
import type { SpecOption } from './types.js';

/**
 * Namespaces: mount, uts, pid and ipc are always private. The network namespace is omitted
 * (shared with the host) for `--network host`; `container:<id>` joins that container's namespace,
 * which the caller resolves into ctx.netnsPath; every other mode ('', default, bridge, none, user
 * networks) gets ctx.netnsPath when the caller prepared one (CNI), else a new empty namespace. With `--network host` the UTS namespace stays
 * private and the caller passes the host's hostname (Docker does the same).
 *
 * No cgroup namespace: this host is cgroup v1, where Docker does not use one either. A v2 host
 * would want a private one (Docker's default there).
 */
export const withNamespaces: SpecOption = (spec, ctx) => {
  const mode = ctx.record.HostConfig.NetworkMode ?? '';
  if (mode.startsWith('container:') && !ctx.netnsPath) {
    throw notImplemented(`network mode "${mode}" is not supported yet`);
  }
  const namespaces: LinuxNamespace[] = [{ type: 'mount' }];
  if (mode !== 'host') {
    namespaces.push(ctx.netnsPath ? { type: 'network', path: ctx.netnsPath } : { type: 'network' });
  }
  namespaces.push({ type: 'uts' }, { type: 'pid' }, { type: 'ipc' });
  (spec.linux ??= {}).namespaces = namespaces;
};
