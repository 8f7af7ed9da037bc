/**
 * fsutil's Stat.mode is Go's os.FileMode (type bits high, permission bits low), not Unix st_mode.
 */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 1 << 27;
const MODE_DEVICE = 1 << 26;
const MODE_NAMED_PIPE = 1 << 25;
const MODE_SOCKET = 1 << 24;
const MODE_SETUID = 1 << 23;
const MODE_SETGID = 1 << 22;
const MODE_CHAR_DEVICE = 1 << 21;
const MODE_STICKY = 1 << 20;
const MODE_IRREGULAR = 1 << 19;

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

export function kindOfMode(mode: number): FileKind {
  if (mode & MODE_DIR) return 'dir';
  if (mode & MODE_SYMLINK) return 'symlink';
  if (mode & (MODE_DEVICE | MODE_NAMED_PIPE | MODE_SOCKET | MODE_CHAR_DEVICE | MODE_IRREGULAR)) return 'other';
  return 'file';
}

/** Unix permission bits (with setuid, setgid, sticky) of a Go file mode. */
export function unixPerm(mode: number): number {
  return (mode & 0o777) | (mode & MODE_SETUID ? 0o4000 : 0) | (mode & MODE_SETGID ? 0o2000 : 0) | (mode & MODE_STICKY ? 0o1000 : 0);
}

/** A Go file mode from a kind and Unix permission bits (what a test sender, or a ReadDir answer, sends). */
export function goMode(kind: FileKind, perm: number): number {
  const type = kind === 'dir' ? MODE_DIR : kind === 'symlink' ? MODE_SYMLINK : 0;
  return (type | (perm & 0o777) | (perm & 0o4000 ? MODE_SETUID : 0) | (perm & 0o2000 ? MODE_SETGID : 0) | (perm & 0o1000 ? MODE_STICKY : 0)) >>> 0;
}
