import { walkTree } from './walk.js';

/**
 * Bytes used by the files under `dir` (apparent sizes, each hard-linked inode once), as Docker
 * counts a container's SizeRw. A missing dir is 0.
 */
export async function dirSize(dir: string): Promise<number> {
  return (await dirUsage(dir)).bytes;
}

/** `dirSize`'s bytes, and the inodes under `dir` (directories included, each inode once). */
export async function dirUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  const seen = new Set<string>();
  const usage = { bytes: 0, inodes: 0 };
  try {
    for await (const e of walkTree(dir)) {
      if (e.st.nlink > 1 && !e.st.isDirectory()) {
        const key = `${e.st.dev}:${e.st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      usage.inodes++;
      if (!e.st.isDirectory()) usage.bytes += e.st.size;
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return usage;
    throw err;
  }
  return usage;
}
