import { readFile } from 'node:fs/promises';
import { invalidArgument, isErrno } from '../lib/errdefs.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { run } from '../lib/exec.js';
import type { IdRange } from '../lib/fs/shift-ids.js';

/** The user `userns-remap: default` creates (Docker's is dockremap). */
export const DEFAULT_REMAP_USER = 'berthremap';
/** Docker's size of a new subordinate range, and where new ranges start at the lowest. */
const RANGE_SIZE = 65536;
const FIRST_ID = 100000;

export interface RemapIds {
  /** "<uid>.<gid>": the host ids container root maps to (Docker names its remapped data root so). */
  key: string;
  uids: IdRange[];
  gids: IdRange[];
}

export interface RemapFiles {
  passwd: string;
  group: string;
  subuid: string;
  subgid: string;
}

const SYSTEM_FILES: RemapFiles = { passwd: '/etc/passwd', group: '/etc/group', subuid: '/etc/subuid', subgid: '/etc/subgid' };

const readOr = (path: string): Promise<string> => readFile(path, 'utf8').catch((err) => (isErrno(err, 'ENOENT') ? '' : Promise.reject(err)));

/** name:id lookups in /etc/passwd or /etc/group. */
function lookup(db: string, nameOrId: string): { name: string; id: number } | undefined {
  for (const line of db.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || f[0] === '') continue;
    if (f[0] === nameOrId || f[2] === nameOrId) return { name: f[0]!, id: Number(f[2]) };
  }
  return undefined;
}

/** The ranges of /etc/subuid (or subgid) lines for `name` or its numeric id, in file order. */
export function subordinateRanges(text: string, name: string, id: number): Array<{ start: number; size: number }> {
  return text
    .split('\n')
    .map((l) => l.trim().split(':'))
    .filter((f) => f.length === 3 && (f[0] === name || f[0] === String(id)))
    .map((f) => ({ start: Number(f[1]), size: Number(f[2]) }))
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.size) && r.size > 0);
}

/** Contiguous container ids 0… over the ranges, in order (Docker's createIDMap). */
export function idMap(ranges: ReadonlyArray<{ start: number; size: number }>): IdRange[] {
  let next = 0;
  return ranges.map((r) => {
    const m = { containerID: next, hostID: r.start, size: r.size };
    next += r.size;
    return m;
  });
}

/** A free range after every existing one (and not below 100000), for a user that has none. */
export function nextFreeStart(text: string): number {
  let end = FIRST_ID;
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length === 3 && Number.isInteger(Number(f[1])) && Number.isInteger(Number(f[2]))) end = Math.max(end, Number(f[1]) + Number(f[2]));
  }
  return end;
}

async function ensureSubordinate(path: string, name: string, id: number): Promise<void> {
  const text = await readOr(path);
  if (subordinateRanges(text, name, id).length > 0) return;
  const line = `${name}:${nextFreeStart(text)}:${RANGE_SIZE}\n`;
  await writeFileAtomic(path, text === '' || text.endsWith('\n') ? text + line : `${text}\n${line}`);
}

/**
 * Resolves daemon.json `userns-remap` (`default`, `user`, `user:group`, `uid`, `uid:gid`) to id
 * maps from /etc/subuid and /etc/subgid. `default` creates the `berthremap` system user and
 * group and gives them a 65536-id range in both files when they lack one (as dockerd does for
 * dockremap); any other user must exist and have ranges already.
 */
export async function resolveUsernsRemap(value: string, files: RemapFiles = SYSTEM_FILES): Promise<RemapIds> {
  let [user, group] = value.split(':', 2) as [string, string | undefined];
  if (user === 'default') {
    if (group !== undefined) throw invalidArgument('userns-remap: "default" takes no group');
    user = DEFAULT_REMAP_USER;
    if (lookup(await readOr(files.passwd), user) === undefined) {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/bin/false', user]);
    }
    const u = lookup(await readOr(files.passwd), user)!;
    await ensureSubordinate(files.subuid, u.name, u.id);
    await ensureSubordinate(files.subgid, u.name, lookup(await readOr(files.group), user)?.id ?? u.id);
  }
  const u = lookup(await readOr(files.passwd), user);
  if (u === undefined) throw invalidArgument(`userns-remap: user "${user}" not found`);
  const g = lookup(await readOr(files.group), group ?? u.name);
  if (g === undefined) throw invalidArgument(`userns-remap: group "${group ?? u.name}" not found`);
  const uidRanges = subordinateRanges(await readOr(files.subuid), u.name, u.id);
  if (uidRanges.length === 0) throw invalidArgument(`userns-remap: no subuid ranges found for user "${u.name}"`);
  const gidRanges = subordinateRanges(await readOr(files.subgid), g.name, g.id);
  if (gidRanges.length === 0) throw invalidArgument(`userns-remap: no subgid ranges found for group "${g.name}"`);
  const uids = idMap(uidRanges);
  const gids = idMap(gidRanges);
  return { key: `${uids[0]!.hostID}.${gids[0]!.hostID}`, uids, gids };
}
