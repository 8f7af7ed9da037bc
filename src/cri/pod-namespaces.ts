import { spawn } from 'node:child_process';
import { access, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument, isErrno } from '../lib/errdefs.js';
import { run } from '../lib/exec.js';
import { pinNewNamespaces, unpinNamespace } from '../lib/ns-pin.js';
import { sysctlNamespace } from '../lib/sysctls.js';
import { unmountIfMounted } from '../lib/fs/mounts.js';
import { DEFAULT_SHM_SIZE } from '../services/containers/spec/mounts.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * The pod's IPC and UTS namespaces, pinned at `<dir>/ipc` and `<dir>/uts` by one `unshare`,
 * which sets the pod's hostname inside the new UTS namespace. Either may be left out (NODE mode).
 */
export async function pinIpcUts(dir: string, o: { ipc: boolean; uts: boolean; hostname: string }): Promise<{ ipcns?: string; utsns?: string }> {
  const pins = { ...(o.ipc ? { ipc: join(dir, 'ipc') } : {}), ...(o.uts ? { uts: join(dir, 'uts') } : {}) };
  if (Object.keys(pins).length === 0) return {};
  await pinNewNamespaces(pins, o.uts && o.hostname ? ['hostname', o.hostname] : ['true']);
  return { ...(pins.ipc ? { ipcns: pins.ipc } : {}), ...(pins.uts ? { utsns: pins.uts } : {}) };
}

export { unpinNamespace };

/** The pod's /dev/shm: a tmpfs at `<dir>/shm` (Docker's default size) that every container of the pod binds, as CRI-O and containerd share it. */
export async function mountPodShm(dir: string): Promise<string> {
  const path = join(dir, 'shm');
  await mkdir(path, { recursive: true, mode: 0o700 });
  await run('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${DEFAULT_SHM_SIZE}`, 'shm', path]);
  return path;
}

export async function unmountPodShm(path: string): Promise<void> {
  await unmountIfMounted(path);
  await rmdir(path).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
}

/**
 * The pod's sysctls, each set in the pinned namespace it belongs to (lib/sysctls.ts) with one
 * spawn; one whose namespace the pod does not have (a host-wide one, or `net.*` on a host-network
 * pod) is refused, as CRI-O refuses it.
 */
export async function applySysctls(sysctls: Record<string, string>, ns: { netns?: string; ipcns?: string; utsns?: string }): Promise<void> {
  const entries = Object.entries(sysctls);
  if (entries.length === 0) return;
  const pins = { net: ns.netns, ipc: ns.ipcns, uts: ns.utsns };
  for (const [key] of entries) {
    const kind = sysctlNamespace(key);
    if (kind === undefined || pins[kind] === undefined)
      throw invalidArgument(`sysctl ${JSON.stringify(key)} is not allowed in this pod (not namespaced, or the pod shares the host's namespace)`);
  }
  const enter = Object.entries(pins)
    .filter(([, p]) => p !== undefined)
    .map(([kind, p]) => `--${kind}=${p}`);
  await run('nsenter', [...enter, '--', 'sysctl', '-q', '-w', ...entries.map(([k, v]) => `${k}=${v}`)]);
}

/**
 * Field 22 of /proc/<pid>/stat (start time in clock ticks since boot) of a live process: a pid with
 * another start time is another process; undefined when there is none, or only its zombie.
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
}

/**
 * The pause process of a pod with a shared PID namespace: Debian's catatonit (`-P`, pause mode)
 * as pid 1 of a new PID namespace, in the pod's network, IPC and UTS namespaces and its cgroup.
 * Spawned in its own session and not waited for: like conmon, it outlives berthd. Containers
 * join `/proc/<pid>/ns/pid`.
 */
export async function startInfra(o: { netns?: string; ipcns?: string; utsns?: string; cgroup: string }): Promise<{ pid: number; startTime: string }> {
  const enter = [o.netns && `--net=${o.netns}`, o.ipcns && `--ipc=${o.ipcns}`, o.utsns && `--uts=${o.utsns}`].filter((a): a is string => !!a);
  const argv = ['unshare', '--pid', '--fork', '--kill-child', '--mount-proc', '--', 'catatonit', '-P'];
  const child = spawn(enter.length > 0 ? 'nsenter' : argv[0]!, enter.length > 0 ? [...enter, '--', ...argv] : argv.slice(1), {
    detached: true,
    stdio: 'ignore',
  });
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve(child.pid!));
  });
  child.unref();
  // nsenter execs unshare (same pid), which forks pid 1 of the new namespace.
  let pid: number | undefined;
  for (let i = 0; i < 500 && pid === undefined; i++) {
    const children = await readFile(`/proc/${spawned}/task/${spawned}/children`, 'utf8').catch(() => '');
    const first = Number.parseInt(children.trim().split(' ')[0] ?? '', 10);
    if (first > 0 && (await readFile(`/proc/${first}/comm`, 'utf8').catch(() => '')).trim() === 'catatonit') pid = first;
    else if (child.exitCode !== null) break;
    else await new Promise((r) => setTimeout(r, 10));
  }
  if (pid === undefined) {
    killQuietly(spawned);
    throw new Error('the pod infra process (catatonit) did not start');
  }
  try {
    await joinCgroup(o.cgroup, [spawned, pid]);
    const startTime = await processStartTime(pid);
    if (startTime === undefined) throw new Error('the pod infra process (catatonit) exited at once');
    return { pid, startTime };
  } catch (err) {
    killQuietly(pid); // --kill-child: unshare goes with it
    throw err;
  }
}

/** Whether the recorded infra process still runs (the same process, not a reused pid). */
export async function infraAlive(infra: { pid: number; startTime: string }): Promise<boolean> {
  return (await processStartTime(infra.pid)) === infra.startTime;
}

/** Ends the infra process (and with it the PID namespace and anything left in it); gone already is fine. */
export async function stopInfra(infra: { pid: number; startTime: string }): Promise<void> {
  if (!(await infraAlive(infra))) return;
  killQuietly(infra.pid);
  for (let i = 0; i < 200 && (await infraAlive(infra)); i++) await new Promise((r) => setTimeout(r, 10));
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/**
 * The cgroup hierarchies under /sys/fs/cgroup: v2's one, or v1's mounts (their `a,b` symlinks left
 * out) with the named `systemd` one and hybrid's `unified` — being in the pod's cgroup there too
 * takes a process out of berthd's service cgroup, which a service manager may kill with berthd.
 * `placing`: cpuset is left out, as its new groups start with no CPUs to run on.
 */
async function hierarchies(placing: boolean): Promise<string[]> {
  if (await exists(join(CGROUP_ROOT, 'cgroup.procs'))) return [CGROUP_ROOT];
  const names = await readdir(CGROUP_ROOT).catch(() => [] as string[]);
  return names.filter((n) => !n.includes(',') && !(placing && n === 'cpuset')).map((n) => join(CGROUP_ROOT, n));
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/** The topmost component of a cgroup path that does not exist yet (what a removal may take away), or undefined. */
export async function missingCgroupTop(path: string): Promise<string | undefined> {
  const probe = (await exists(join(CGROUP_ROOT, 'cgroup.procs'))) ? CGROUP_ROOT : join(CGROUP_ROOT, 'memory');
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = 1; i <= parts.length; i++) {
    const sub = `/${parts.slice(0, i).join('/')}`;
    if (!(await exists(join(probe, sub)))) return sub;
  }
  return undefined;
}

async function joinCgroup(path: string, pids: number[]): Promise<void> {
  for (const h of await hierarchies(true)) {
    const dir = join(h, path);
    await mkdir(dir, { recursive: true });
    for (const pid of pids) await writeFile(join(dir, 'cgroup.procs'), `${pid}\n`).catch(() => undefined); // a pid gone meanwhile
  }
}

/** Removes the pod cgroup up to `top` (the part berth made) in every hierarchy, cpuset's too; one still in use stays. */
export async function removeCgroup(path: string, top: string): Promise<void> {
  for (const h of await hierarchies(false)) {
    for (let p = path; p.length >= top.length && p.startsWith(top); p = p.slice(0, p.lastIndexOf('/'))) {
      const gone = await rmdir(join(h, p)).then(
        () => true,
        (err: unknown) => isErrno(err, 'ENOENT'),
      );
      if (!gone) break;
    }
  }
}
