import { access, readFile } from 'node:fs/promises';

/**
 * A process's cgroup directory per controller, from /proc/<pid>/cgroup (never assumed: runc may
 * nest a container under another cgroup per controller). On v2 the one unified dir is under ''.
 */
export async function cgroupDirs(pid: number, root = '/sys/fs/cgroup'): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  const lines = (await readFile(`/proc/${pid}/cgroup`, 'utf8')).split('\n').filter((l) => l !== '');
  const hybrid = lines.length > 1; // v1 controllers, plus (maybe) the v2 hierarchy at unified/
  for (const line of lines) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    const [, controllers, path] = m;
    if (controllers === '') dirs.set('', `${root}${hybrid ? '/unified' : ''}${path}`);
    for (const c of controllers!.split(',')) if (c !== '' && !c.startsWith('name=')) dirs.set(c, `${root}/${c}${path}`);
  }
  return dirs;
}

/** The controllers whose counters a stats reading takes (cgroup v1). */
const READ_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'pids', 'blkio'];

/**
 * The directories of a cgroup given by its path (as a cgroup parent is: `/berth/pod-<id>`), in the
 * same shape as `cgroupDirs`: v2's one dir under '', or v1's per controller.
 */
export async function cgroupDirsAt(path: string, root = '/sys/fs/cgroup'): Promise<Map<string, string>> {
  const v2 = await access(`${root}/cgroup.procs`).then(
    () => true,
    () => false,
  );
  if (v2) return new Map([['', `${root}${path}`]]);
  return new Map(READ_CONTROLLERS.map((c) => [c, `${root}/${c}${path}`]));
}
