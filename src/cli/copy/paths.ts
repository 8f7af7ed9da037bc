/** `docker cp` argument and path rules (the CLI's splitCpArg and archive path helpers). */

export interface CpArg {
  container?: string;
  path: string;
}

/** `name:path` names a container path; a local path may still hold a colon if it starts with `/` or `.`. */
export function splitCpArg(arg: string): CpArg {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

/** A path ending in `/` or `/.` asserts a directory. */
export const assertsDirectory = (p: string): boolean => p.endsWith('/') || p.endsWith('/.') || p === '.';

/** The last element, `.` for `dir/.` (which means "the contents of dir"). */
export function lastElement(p: string): string {
  if (p.endsWith('/.') || p === '.') return '.';
  const t = p.replace(/\/+$/, '');
  return t === '' ? '/' : t.slice(t.lastIndexOf('/') + 1);
}

/** The directory part, as path.dirname but keeping `/` for top-level names. */
export function parentPath(p: string): string {
  const t = p.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : t.slice(0, i);
}
