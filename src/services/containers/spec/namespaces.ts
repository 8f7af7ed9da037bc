import { notImplemented } from '../../../lib/errdefs.js';
import type { LinuxNamespace } from '../../../lib/oci/runtime-spec.js';
import type { SpecContext, SpecOption } from './types.js';

/** The cgroup namespace mode in effect: the record's, else the daemon's default (private on v2). */
export function cgroupnsMode(ctx: SpecContext): 'private' | 'host' {
  const mode = ctx.record.HostConfig.CgroupnsMode;
  if (mode === 'private' || mode === 'host') return mode;
  return ctx.daemon?.cgroupVersion === '2' ? 'private' : 'host';
}

/** Whether this container runs in a remapped user namespace (daemon remaps, no `--userns=host`). */
export function remapped(ctx: SpecContext): boolean {
  return ctx.daemon?.remap !== undefined && ctx.record.HostConfig.UsernsMode !== 'host';
}

/** `container:<x>` modes need the caller to have resolved x's namespace path. */
function joined(kind: 'pid' | 'ipc', mode: string, path: string | undefined): LinuxNamespace {
  if (!path) throw notImplemented(`${kind} mode "${mode}": the namespace to join was not resolved`);
  return { type: kind, path };
}

/**
 * Namespaces, Docker's way. mount: always private. network: omitted for `--network host`;
 * ctx.netnsPath (CNI's sandbox, or another container's for `container:<x>`) else a new one.
 * uts: private unless `--uts=host` (with `--network host` it stays private and gets the host's
 * name, as under Docker). pid, ipc: private, `host` (omitted) or `container:<x>` (ctx.join).
 * A path in ctx.join (a pod's pinned namespaces) is joined instead of making a private one.
 * cgroup: private or host (see cgroupnsMode). user: with userns-remap, unless `--userns=host`,
 * with the daemon's id mappings — the one owning the sandbox (ctx.usernsPath) when there is one,
 * so that container root has capabilities over its own network namespace.
 */
export const withNamespaces: SpecOption = (spec, ctx) => {
  const hc = ctx.record.HostConfig;
  const mode = hc.NetworkMode ?? '';
  if (mode.startsWith('container:') && !ctx.netnsPath) {
    throw notImplemented(`network mode "${mode}" is not supported yet`);
  }
  const namespaces: LinuxNamespace[] = [{ type: 'mount' }];
  const join = ctx.join ?? {};
  const own = (type: 'network' | 'uts' | 'pid' | 'ipc', path: string | undefined): LinuxNamespace => (path ? { type, path } : { type });
  if (mode !== 'host') namespaces.push(own('network', join.network ?? ctx.netnsPath));
  if (hc.UTSMode !== 'host') namespaces.push(own('uts', join.uts));
  const pid = hc.PidMode ?? '';
  if (pid.startsWith('container:')) namespaces.push(joined('pid', pid, join.pid));
  else if (pid !== 'host') namespaces.push(own('pid', join.pid));
  const ipc = hc.IpcMode ?? '';
  if (ipc.startsWith('container:')) namespaces.push(joined('ipc', ipc, join.ipc));
  else if (ipc !== 'host') namespaces.push(own('ipc', join.ipc));
  if (cgroupnsMode(ctx) === 'private') namespaces.push({ type: 'cgroup' });
  const linux = (spec.linux ??= {});
  if (remapped(ctx)) {
    namespaces.push(ctx.usernsPath ? { type: 'user', path: ctx.usernsPath } : { type: 'user' });
    linux.uidMappings = ctx.daemon!.remap!.uidMappings.map((m) => ({ ...m }));
    linux.gidMappings = ctx.daemon!.remap!.gidMappings.map((m) => ({ ...m }));
  }
  linux.namespaces = namespaces;
};
