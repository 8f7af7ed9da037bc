import type { Spec } from '../../../lib/oci/runtime-spec.js';
import { withCapabilities } from './capabilities.js';
import { withDevices } from './devices.js';
import { withInit } from './init.js';
import { withDefaultMounts, withEtcMounts } from './mounts.js';
import { withUserMounts } from './mounts-user.js';
import { withNamespaces } from './namespaces.js';
import { withProcess } from './process.js';
import { withCgroupsPath, withResources } from './resources.js';
import { withSeccomp } from './seccomp.js';
import { withMaskedPaths, withProcessSecurity, withSysctls } from './security.js';
import type { SpecContext, SpecOption } from './types.js';

/**
 * Every option, in order. Order matters only where an option replaces what another appends
 * (withDefaultMounts before withEtcMounts and withUserMounts, which replaces defaults at its destinations; withProcess keeps capabilities either way; withSeccomp reads the bounding set withCapabilities wrote).
 */
export const defaultOptions: readonly SpecOption[] = [
  withProcess,
  withProcessSecurity,
  withCapabilities,
  withSeccomp,
  withNamespaces,
  withDefaultMounts,
  withEtcMounts,
  withUserMounts,
  withDevices,
  withMaskedPaths,
  withSysctls,
  withCgroupsPath,
  withResources,
  withInit,
];

/** The skeleton every option refines: version, root, hostname. */
export function baseSpec(ctx: SpecContext): Spec {
  const spec: Spec = {
    ociVersion: '1.0.2',
    process: { user: { uid: 0, gid: 0 }, cwd: '/' },
    root: { path: ctx.rootfs, readonly: ctx.record.HostConfig.ReadonlyRootfs === true },
    mounts: [],
    linux: {},
  };
  // `--uts=host` shares the host's names: runc refuses to set one without a private UTS namespace.
  if (ctx.record.HostConfig.UTSMode !== 'host') {
    spec.hostname = ctx.hostname;
    if (ctx.record.Config.Domainname) spec.domainname = ctx.record.Config.Domainname;
  }
  return spec;
}

/**
 * The OCI runtime spec (config.json) for a container. Pure apart from the cached read of
 * berthd's capability bounding set; throws BerthError (InvalidArgument) for bad settings.
 */
export function buildSpec(ctx: SpecContext, options: readonly SpecOption[] = defaultOptions): Spec {
  const spec = baseSpec(ctx);
  for (const option of options) option(spec, ctx);
  return spec;
}
