/**
 * Finding and removing what a daemon's containers hold on the host — conmon processes, overlay
 * mounts, cgroups — for the harness's clean-up and for tests that assert nothing is left behind.
 * Everything here is scoped to one harness dir or to given container IDs, never host-wide.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepNetworks } from './network-sweep.js';

const RUNC = '/usr/sbin/runc';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function exec(file: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => res({ ok: err === null, stdout, stderr }));
  });
}

/** True while `pid` exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // `pid (comm) S …`: comm may hold spaces and parentheses, the state follows the last `)`.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

export async function waitGone(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (!processAlive(pid)) return true;
  return !processAlive(pid);
}

async function readdirOrEmpty(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}

/** Every container ID this daemon's dirs know of: records, runc state, exit files. */
export async function containerIds(dataRoot: string, execRoot: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const d of [join(dataRoot, 'containers'), join(execRoot, 'runc'), join(execRoot, 'exits')]) {
    for (const name of await readdirOrEmpty(d)) if (/^[0-9a-f]{64}$/.test(name)) ids.add(name);
  }
  return ids;
}

/** The conmon pids of this daemon's containers (from their `conmon.pid` files) that are still alive. */
export async function conmonPids(dataRoot: string): Promise<number[]> {
  const out: number[] = [];
  for (const id of await readdirOrEmpty(join(dataRoot, 'containers'))) {
    const text = await readFile(join(dataRoot, 'containers', id, 'conmon.pid'), 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (pid > 0 && (await isConmonOf(pid, dataRoot))) out.push(pid);
  }
  return out;
}

/** True when `pid` is a conmon whose command line points into `root` (guards against pid reuse). */
export async function isConmonOf(pid: number, root: string): Promise<boolean> {
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd.split('\0')[0]?.endsWith('conmon') === true && cmd.includes(root);
}

/** Mount points at or under `dir`, deepest first (octal escapes of mountinfo decoded). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** cgroup dirs `/sys/fs/cgroup/<controller>/berth/<id>` (v1) or `/sys/fs/cgroup/berth/<id>` (v2) that exist. */
export async function cgroupsOf(ids: Iterable<string>): Promise<string[]> {
  const controllers = (await readdirOrEmpty('/sys/fs/cgroup')).map((c) => join('/sys/fs/cgroup', c));
  const out: string[] = [];
  for (const id of ids) {
    for (const base of ['/sys/fs/cgroup', ...controllers]) {
      const p = join(base, 'berth', id);
      if ((await readdirOrEmpty(p)).length > 0) out.push(p);
    }
  }
  return out;
}

/**
 * Cleans up a harness dir whose daemon is gone (or is a leftover of a crashed test run, in which
 * case its berthd is killed first, found by the pid file it writes): containers, conmon processes,
 * mounts, cgroups of its containers, and the dir. Usable by hand:
 *   node -e "import('./dist/test/e2e/harness.js').then((h) => h.sweepDir('/tmp/berth-e2e-XXXX'))"
 */
export async function sweepDir(dir: string, knownIds: Iterable<string> = []): Promise<void> {
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const pid = Number.parseInt(await readFile(join(execRoot, 'berthd.pid'), 'utf8').catch(() => ''), 10);
  if (pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(`${dir}/`)) {
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 2000);
  }
  await sweep({ dir, dataRoot, execRoot, ids: new Set([...knownIds, ...(await containerIds(dataRoot, execRoot))]) });
}

/** Cleans up after a daemon that is no longer running: containers, conmon, mounts, cgroups, the dir. */
export async function sweep(o: { dir: string; dataRoot: string; execRoot: string; ids: Set<string> }): Promise<void> {
  const problems: string[] = [];
  const runcRoot = join(o.execRoot, 'runc');
  for (const id of await readdirOrEmpty(runcRoot)) {
    const r = await exec(RUNC, [`--root=${runcRoot}`, 'delete', '--force', id]);
    if (!r.ok && !/does not exist/.test(r.stderr)) problems.push(`runc delete ${id}: ${r.stderr.trim()}`);
  }
  for (const pid of await conmonPids(o.dataRoot)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await waitGone(pid, 2000);
  }
  for (const m of await mountsUnder(o.dir)) {
    const r = await exec('umount', [m]);
    if (!r.ok) {
      const lazy = await exec('umount', ['-l', m]);
      if (!lazy.ok) problems.push(`umount ${m}: ${lazy.stderr.trim()}`);
    }
  }
  for (const ids of [o.ids, await containerIds(o.dataRoot, o.execRoot)]) {
    for (const cg of await cgroupsOf(ids)) {
      await rmdir(cg).catch((err: Error) => problems.push(`rmdir ${cg}: ${err.message}`));
    }
  }
  problems.push(...(await sweepNetworks(o.dir, o.dataRoot)));
  await rm(o.dir, { recursive: true, force: true }).catch((err: Error) => problems.push(`rm ${o.dir}: ${err.message}`));
  if (problems.length > 0) throw new Error(`e2e clean-up incomplete:\n${problems.join('\n')}`);
}
