import { walkTree } from './walk.js';

/**
 * Bytes used by the files under `dir` (apparent sizes, each hard-linked inode once), as Docker
 * counts a container's SizeRw. A missing dir is 0.
 */
export async function dirSize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  try {
    for await (const e of walkTree(dir)) {
      if (e.st.isDirectory()) continue;
      if (e.st.nlink > 1) {
        const key = `${e.st.dev}:${e.st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += e.st.size;
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return total;
    throw err;
  }
  return total;
}
