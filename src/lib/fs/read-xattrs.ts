import { normalize } from 'node:path';
import { run } from '../exec.js';

/** path (absolute, as given) → xattr name → raw value. Paths without xattrs are absent. */
export type TreeXattrs = Map<string, Map<string, Buffer>>;

/** Paths per getfattr run: well under the kernel's argument limits. */
const PER_RUN = 1024;

/**
 * The extended attributes of `paths` themselves (a symlink is not followed: -h), read with
 * `getfattr` (Debian `attr`): Node has no getxattr, and one process for many paths is cheap next
 * to one per file. Give them as a pinned parent + name (lib/fs/walk.ts) and nothing on the way
 * is followed either. A path that vanished in between is simply absent.
 */
export async function readXattrs(paths: readonly string[]): Promise<TreeXattrs> {
  const out: TreeXattrs = new Map();
  for (let i = 0; i < paths.length; i += PER_RUN) {
    const args = ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', ...paths.slice(i, i + PER_RUN)];
    const stdout = await run('getfattr', args).then(
      (r) => r.stdout,
      (err: { exitCode?: unknown; stdout?: unknown }) => {
        // Exit 1 with output: some paths failed (removed meanwhile); the others are read.
        if (err.exitCode === 1 && typeof err.stdout === 'string') return err.stdout;
        throw err;
      },
    );
    for (const [k, v] of parseGetfattr(stdout)) out.set(k, v);
  }
  return out;
}

/** Parses `getfattr -d -e hex` output: `# file: PATH` blocks of `name=0xHEX` lines. */
export function parseGetfattr(text: string): TreeXattrs {
  const out: TreeXattrs = new Map();
  let current: Map<string, Buffer> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(normalize(unescapeName(line.slice(8))).replace(/(.)\/$/, '$1'), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current === undefined || eq <= 0) continue;
    const value = line.slice(eq + 1);
    current.set(unescapeName(line.slice(0, eq)), value.startsWith('0x') ? Buffer.from(value.slice(2), 'hex') : Buffer.alloc(0));
  }
  return out;
}

/** getfattr writes unprintable bytes and backslashes as `\ooo` octal escapes. */
function unescapeName(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const m = /^\\([0-7]{3})/.exec(s.slice(i, i + 4));
    if (m) {
      bytes.push(parseInt(m[1]!, 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(s[i]!));
    }
  }
  return Buffer.from(bytes).toString();
}
