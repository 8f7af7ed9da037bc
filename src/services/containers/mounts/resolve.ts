import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import type { ContainerConfig, ContainerRecord, HostConfig } from '../../../core/containers.js';
import { invalidArgument, notFound } from '../../../lib/errdefs.js';
import type { MountPoint } from '../../../core/volumes.js';
import type { VolumeDeps } from '../../volumes/deps.js';
import { createAnonymousVolume, createVolume, removeIfUnused } from '../../volumes/volumes.js';
import { cleanPath, parseBind, parseMountSpec, parseVolumesFrom } from './parse.js';

export interface ResolveMountsDeps {
  volumes: VolumeDeps;
  /** For --volumes-from (the record store, named by what is used: mounts/ imports nothing of the folder above it). */
  store: { get(ref: string): ContainerRecord };
}

/**
 * A new container's MountPoints, in Docker's order (daemon/volumes.go registerMountPoints):
 * `--volumes-from` first, then `-v` binds and `--mount`s (which may override them), then anonymous
 * volumes for Config.Volumes (the image's VOLUMEs and `-v /path`) where nothing is mounted yet.
 * Volumes are created on first use; anonymous ones created here are removed again if a later
 * step fails, so a failed create leaves nothing behind.
 */
export async function resolveMounts(deps: ResolveMountsDeps, config: ContainerConfig, hc: HostConfig): Promise<MountPoint[]> {
  const byDest = new Map<string, MountPoint>();
  const explicit = new Set<string>();
  const created: string[] = [];
  const claim = (mp: MountPoint): void => {
    if (explicit.has(mp.Destination) || (hc.Tmpfs && mp.Destination in hc.Tmpfs)) throw invalidArgument(`Duplicate mount point: ${mp.Destination}`);
    explicit.add(mp.Destination);
    byDest.set(mp.Destination, mp);
  };
  const materialise = async (mp: MountPoint, spec?: { labels?: Record<string, string> | null; options?: Record<string, string> | null }): Promise<void> => {
    // HostConfig.VolumeDriver names the driver of the volumes this container creates: only the local one is here.
    const driver = hc.VolumeDriver || deps.volumes.driver.name;
    if (driver !== deps.volumes.driver.name) {
      throw notFound(`create ${mp.Name || randomBytes(32).toString('hex')}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    }
    const v = mp.Name
      ? await createVolume(deps.volumes, { Name: mp.Name, Labels: spec?.labels, DriverOpts: spec?.options })
      : await createAnonymousVolume(deps.volumes);
    if (!mp.Name) created.push(v.Name);
    Object.assign(mp, { Name: v.Name, Source: v.Mountpoint, Driver: v.Driver });
  };
  for (const dest of Object.keys(hc.Tmpfs ?? {})) {
    if (!dest.startsWith('/')) throw invalidArgument(`invalid mount config for type "tmpfs": invalid mount path: '${dest}' mount path must be absolute`);
  }
  try {
    for (const spec of hc.VolumesFrom ?? []) {
      const { container, rw } = parseVolumesFrom(spec);
      for (const m of deps.store.get(container).MountPoints ?? []) {
        byDest.set(m.Destination, { ...m, Mode: '', RW: m.RW && rw, CopyData: false, CreateSource: undefined });
      }
    }
    for (const raw of hc.Binds ?? []) {
      const mp = parseBind(raw);
      claim(mp);
      if (mp.Type === 'volume') {
        await materialise(mp);
        mp.Mode ||= 'z';
      }
    }
    for (const spec of hc.Mounts ?? []) {
      const mp = parseMountSpec(spec);
      claim(mp);
      if (mp.Type === 'bind' && !mp.CreateSource && !(await exists(mp.Source))) {
        throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${mp.Source}`);
      }
      if (mp.Type === 'volume') {
        const vo = spec.VolumeOptions;
        await materialise(mp, { labels: vo?.Labels, options: vo?.DriverConfig?.Options });
        mp.Mode ||= 'z';
      }
    }
    for (const dest of Object.keys(config.Volumes ?? {})) {
      const clean = cleanPath(dest);
      if (!clean.startsWith('/')) throw invalidArgument(`invalid mount config for type "volume": invalid mount path: '${dest}' mount path must be absolute`);
      if (byDest.has(clean) || (hc.Tmpfs && clean in hc.Tmpfs)) continue;
      const mp: MountPoint = { Type: 'volume', Source: '', Destination: clean, Mode: '', RW: true, Propagation: '', CopyData: true, Anonymous: true };
      await materialise(mp);
      byDest.set(clean, mp);
    }
  } catch (err) {
    await releaseVolumes(deps.volumes, created);
    throw err;
  }
  return [...byDest.values()];
}

/** Removes the given anonymous volumes unless another container uses them. */
export async function releaseVolumes(deps: VolumeDeps, names: string[]): Promise<void> {
  for (const name of names) await removeIfUnused(deps, name).catch(() => undefined);
}

/** Names of a container's anonymous volumes (what `rm -v` and `--rm` remove). */
export function anonymousVolumes(mounts: MountPoint[] | undefined): string[] {
  return (mounts ?? []).filter((m) => m.Type === 'volume' && m.Anonymous && m.Name).map((m) => m.Name!);
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );
