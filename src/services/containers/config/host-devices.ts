import { lstat, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { DeviceMapping } from '../../../core/containers.js';
import { invalidArgument, isErrno } from '../../../lib/errdefs.js';
import type { LinuxDevice } from '../../../lib/oci/runtime-spec.js';
import type { HostDevice } from '../spec/types.js';

/** Directories of /dev that hold no devices of their own to pass on (runc's HostDevices skips them). */
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Linux's dev_t split (glibc's major()/minor()). */
function majorMinor(rdev: bigint): { major: number; minor: number } {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { major, minor };
}

/** The device node at `path` as the container gets it at `containerPath`; undefined when not a device. */
async function deviceAt(path: string, containerPath: string, follow: boolean): Promise<LinuxDevice | undefined> {
  const st = follow ? await stat(path, { bigint: true }) : await lstat(path, { bigint: true });
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : undefined;
  if (type === undefined) return undefined;
  const { major, minor } = majorMinor(st.rdev);
  return { path: containerPath, type, major, minor, fileMode: Number(st.mode & 0o777n), uid: Number(st.uid), gid: Number(st.gid) };
}

async function walk(dir: string, containerDir: string, out: LinuxDevice[], skipDirs: boolean): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const inside = posix.join(containerDir, entry.name);
    if (entry.isDirectory()) {
      if (!(skipDirs && SKIP_DIRS.has(entry.name))) await walk(path, inside, out, false);
      continue;
    }
    if (path === '/dev/console') continue;
    const d = await deviceAt(path, inside, false).catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return undefined; // gone while we looked
      throw err;
    });
    if (d && d.type !== 'p') out.push(d);
  }
}

/** Every device node of the host's /dev (`--privileged`), as runc lists them. */
export async function allHostDevices(): Promise<HostDevice[]> {
  const out: LinuxDevice[] = [];
  await walk('/dev', '/dev', out, true);
  return out.map((device) => ({ device, permissions: 'rwm' }));
}

/**
 * `--device` items → device nodes: a device path gives one node, a directory every device under
 * it (mapped below the container path), as Docker does. Anything else is Docker's error.
 */
export async function mappedDevices(mappings: readonly DeviceMapping[]): Promise<HostDevice[]> {
  const out: HostDevice[] = [];
  for (const m of mappings) {
    const containerPath = m.PathInContainer || m.PathOnHost;
    const permissions = m.CgroupPermissions || 'rwm';
    const fail = (why: string): never => {
      throw invalidArgument(`error gathering device information while adding custom device "${m.PathOnHost}": ${why}`);
    };
    let isDir: boolean;
    try {
      isDir = (await stat(m.PathOnHost)).isDirectory();
    } catch (err) {
      return fail(isErrno(err, 'ENOENT') ? 'no such file or directory' : (err as Error).message);
    }
    if (isDir) {
      const found: LinuxDevice[] = [];
      await walk(m.PathOnHost, containerPath, found, false);
      out.push(...found.map((device) => ({ device, permissions })));
      continue;
    }
    const device = await deviceAt(m.PathOnHost, containerPath, true);
    if (device === undefined) fail('not a device node');
    out.push({ device: device!, permissions });
  }
  return out;
}
