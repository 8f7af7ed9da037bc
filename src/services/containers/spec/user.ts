import { constants } from 'node:fs';
import { openAt, resolveInRoot, ScopedPathError } from '../../../lib/fs/scoped-path.js';
import { invalidArgument, isErrno } from '../../../lib/errdefs.js';
import type { ResolvedUser } from './types.js';

/** /etc/passwd or /etc/group larger than this is not a real one. */
const MAX_DB_BYTES = 16 * 1024 * 1024;
/** Docker's (libcontainer's) valid id range. */
const MAX_ID = 2 ** 31 - 1;

/**
 * Reads a small regular file inside `root` (see resolveInRoot). Missing or not a regular file
 * (a FIFO or device would block or never end) → undefined.
 */
export async function readFileInRoot(root: string, path: string): Promise<string | undefined> {
  let sp;
  try {
    sp = await resolveInRoot(root, path, true);
  } catch (err) {
    if (!(err instanceof ScopedPathError)) throw err;
    if (err.code === 'ELOOP') throw invalidArgument(`unable to resolve ${path} in the container: too many levels of symbolic links`);
    return undefined;
  }
  let file;
  try {
    file = await openAt(sp.dir, sp.name, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    if (isErrno(err, 'ELOOP')) throw invalidArgument(`${path} in the container changed while being read`);
    throw err;
  } finally {
    await sp.close();
  }
  try {
    const st = await file.stat();
    if (!st.isFile()) return undefined;
    if (st.size > MAX_DB_BYTES) throw invalidArgument(`${path} in the container is too large`);
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Colon-separated records; blank, comment and malformed lines (bad ids) are skipped. */
function records(text: string | undefined): string[][] {
  if (text === undefined) return [];
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

const isId = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s) && Number(s) <= MAX_ID;

function parsePasswd(text: string | undefined): PasswdEntry[] {
  return records(text)
    .filter((f) => isId(f[2]) && isId(f[3]))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }));
}

function parseGroup(text: string | undefined): GroupEntry[] {
  return records(text)
    .filter((f) => isId(f[2]))
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

function numericId(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_ID) throw invalidArgument(`uids and gids must be in range 0-${MAX_ID}`);
  return n;
}

/**
 * Docker's `--user`: '', 'name', 'uid', 'name:group', 'uid:gid', 'uid:group', 'name:gid'
 * (libcontainer's GetExecUser). '' means uid 0. A user found in the image's /etc/passwd brings
 * its gid and home; a numeric one need not exist (gid 0, home '/'). Without an explicit group
 * the user's supplementary groups come from /etc/group membership; with one, there are none.
 * additionalGids is Docker's: the primary gid, then the supplementary ones, then `--group-add`
 * (names looked up in the image's /etc/group, numbers taken as they are).
 */
export async function resolveUser(rootfs: string, user: string | undefined, groupAdd?: readonly string[] | null): Promise<ResolvedUser> {
  const spec = user ?? '';
  const colon = spec.indexOf(':');
  const userArg = colon < 0 ? spec : spec.slice(0, colon);
  const groupArg = colon < 0 ? '' : spec.slice(colon + 1);
  const [passwd, groups] = await Promise.all([readFileInRoot(rootfs, '/etc/passwd').then(parsePasswd), readFileInRoot(rootfs, '/etc/group').then(parseGroup)]);

  const uidArg = userArg === '' ? 0 : numericId(userArg);
  const entry = passwd.find((p) => (uidArg !== undefined ? p.uid === uidArg : p.name === userArg));
  if (!entry && uidArg === undefined) {
    throw invalidArgument(`unable to find user ${userArg}: no matching entries in passwd file`);
  }
  const uid = entry?.uid ?? uidArg!;
  let gid = entry?.gid ?? 0;
  const home = entry?.home ?? '/';

  let supplementary: number[] = [];
  if (groupArg !== '') {
    const gidArg = numericId(groupArg);
    const group = groups.find((g) => (gidArg !== undefined ? g.gid === gidArg : g.name === groupArg));
    if (!group && gidArg === undefined) {
      throw invalidArgument(`unable to find group ${groupArg}: no matching entries in group file`);
    }
    gid = group?.gid ?? gidArg!;
  } else if (entry) {
    supplementary = groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid);
  }
  const added = (groupAdd ?? []).map((g) => {
    const n = numericId(g);
    if (n !== undefined) return n;
    const group = groups.find((e) => e.name === g);
    if (!group) throw invalidArgument(`Unable to find group ${g}: no matching entries in group file`);
    return group.gid;
  });
  return { uid, gid, additionalGids: [...new Set([gid, ...supplementary, ...added])], home };
}
