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
