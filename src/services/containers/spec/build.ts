import type { Spec } from '../../../lib/oci/runtime-spec.js';
import { withCapabilities } from './capabilities.js';
import { withDevices } from './devices.js';
import { withInit } from './init.js';
import { withDefaultMounts, withEtcMounts } from './mounts.js';
import { withUserMounts } from './mounts-user.js';
import { withNamespaces } from './namespaces.js';
import { withProcess } from './process.js';
import { withCgroupsPath, withResources } from './resources.js';
import { withMaskedPaths } from './security.js';
import type { SpecContext, SpecOption } from './types.js';

/**
 * Every option, in order. Order matters only where an option replaces what another appends
 * (withDefaultMounts before withEtcMounts and withUserMounts, which replaces defaults at its destinations; withProcess keeps capabilities either way).
 */
export const defaultOptions: readonly SpecOption[] = [
  withProcess,
  withCapabilities,
  withNamespaces,
  withDefaultMounts,
  withEtcMounts,
  withUserMounts,
  withDevices,
  withMaskedPaths,
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
    hostname: ctx.hostname,
    mounts: [],
    linux: {},
  };
  if (ctx.record.Config.Domainname) spec.domainname = ctx.record.Config.Domainname;
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
