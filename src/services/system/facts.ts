import { readdir, readFile, statfs } from 'node:fs/promises';
import { run } from '../../lib/exec.js';

/** `PRETTY_NAME` of /etc/os-release (what `docker info` calls Operating System). */
export async function operatingSystem(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
}

// statfs f_type magics, named as Docker's fsutils names them.
const FS_NAMES: Record<number, string> = {
  0xef53: 'extfs',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x65735546: 'fuse',
  0x6969: 'nfs',
  0x5346544e: 'ntfs',
};

/** The filesystem a directory lives on (Docker's "Backing Filesystem"). */
export async function backingFilesystem(path: string): Promise<string> {
  const st = await statfs(path);
  return FS_NAMES[st.type] ?? `<unknown> (0x${st.type.toString(16)})`;
}

const versions = new Map<string, Promise<{ version: string; commit: string }>>();

/**
 * `<binary> --version` parsed as runc and conmon print it (`runc version 1.1.5`, `commit: …`);
 * asked once per binary (a daemon restart picks up an upgrade).
 */
export function binaryVersion(path: string): Promise<{ version: string; commit: string }> {
  let v = versions.get(path);
  if (v === undefined) {
    v = run(path, ['--version'], { timeoutMs: 10_000 }).then(
      ({ stdout: out }) => ({ version: /version:?\s+(\S+)/.exec(out)?.[1] ?? '', commit: /^commit:\s+(\S+)/m.exec(out)?.[1] ?? '' }),
      () => ({ version: '', commit: '' }),
    );
    versions.set(path, v);
  }
  return v;
}

/** A /proc/sys switch: true when it reads 1; undefined when the file does not exist. */
export async function sysctlOn(name: string): Promise<boolean | undefined> {
  const text = await readFile(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : text.trim() === '1';
}

/** Whether swap can be limited: cgroup v1's memsw files, or v2's memory.swap.max in our own cgroup tree. */
export async function swapLimitSupported(cgroupVersion: '1' | '2'): Promise<boolean> {
  const probe = cgroupVersion === '1' ? '/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes' : '/sys/fs/cgroup/cgroup.controllers';
  const text = await readFile(probe, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  return cgroupVersion === '1' || /\bmemory\b/.test(text);
}

/** How many file descriptors this process has open (`info`'s NFd). */
export async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd').catch(() => [])).length;
}
