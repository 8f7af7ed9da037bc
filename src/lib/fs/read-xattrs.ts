import { normalize } from 'node:path';
import { run } from '../exec.js';

/** path (absolute, as given under `root`) → xattr name → raw value. Paths without xattrs are absent. */
export type TreeXattrs = Map<string, Map<string, Buffer>>;

/**
 * Every extended attribute under `root` (itself included), read with one `getfattr -R` (Debian
 * `attr`): Node has no getxattr, and one process for a whole tree is cheap next to one per file.
 * Symlinks below the root are neither followed nor walked through (-h -P). Keys are normalised
 * paths (no `//`, no trailing slash), as `path.join` makes them.
 */
export async function readTreeXattrs(root: string): Promise<TreeXattrs> {
  // The trailing slash makes a root that is itself a symlink (a /proc/<pid>/fd/<n> pin) walked.
  const { stdout } = await run('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', `${root.replace(/\/+$/, '')}/`]);
  return parseGetfattr(stdout);
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
