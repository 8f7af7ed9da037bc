import { readFile } from 'node:fs/promises';
import { run } from '../exec.js';

/** Mount points of this process's mount namespace, from /proc/self/mountinfo (octal escapes decoded). */
export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field) out.add(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountPoints()).has(path);
}

/** Unmounts `target` if it is mounted; a no-op otherwise (so cleanup can run twice). */
export async function unmountIfMounted(target: string): Promise<void> {
  if (await isMountPoint(target)) await run('umount', [target]);
}

/**
 * Unmounts everything mounted at or below `dir`, deepest first, so the directory can be removed
 * without reaching through a mount (a container's overlay rootfs, its /dev/shm).
 */
export async function unmountAllUnder(dir: string): Promise<void> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const under = [...(await mountPoints())].filter((m) => m === dir || m.startsWith(prefix));
  for (const m of under.sort((a, b) => b.length - a.length)) await run('umount', [m]);
}
