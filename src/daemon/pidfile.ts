import { link, readFile, readlink, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unavailable, isDiskFull, isErrno } from '../lib/errdefs.js';
import { mkdirp } from '../lib/atomic-file.js';

/**
 * A live berthd: a recycled pid now used by another program does not count, nor does a berthd
 * killed but not yet reaped by its parent (a zombie: state Z, an empty cmdline) — a restart right
 * after kill -9 must not be refused.
 */
async function aliveDaemon(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (!isErrno(err, 'EPERM')) return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // `pid (comm) S …`: comm may hold spaces and parentheses; the state follows the last `)`.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === '' || state === 'Z' || state === 'X') return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline === '' || cmdline.includes('berthd');
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const n = Number((await readlink(path).catch(() => readFile(path, 'utf8'))).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Claims `path` for this process: the pid is written to a temp file that is hard-linked into
 * place, so of two daemons starting at once exactly one wins (link fails with EEXIST for the
 * other). A pid file of a live process refuses the start in dockerd's words; one left by a dead
 * process (a crash, SIGKILL) is taken over. Returns the release function.
 */
export async function claimPidFile(path: string): Promise<() => Promise<void>> {
  await mkdirp(dirname(path));
  const tmp = join(dirname(path), `.${process.pid}.pid.tmp`);
  try {
    await writeFile(tmp, `${process.pid}\n`);
  } catch (err) {
    // A full disk (the data root's): the pid as a symlink's target lives in the inode itself,
    // no data block needed, so berthd still starts, and still alone.
    if (!isDiskFull(err)) throw err;
    await rm(tmp, { force: true });
    await symlink(`${process.pid}`, tmp);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(tmp, path);
        break;
      } catch (err) {
        if (!isErrno(err, 'EEXIST') || attempt > 3) throw err;
      }
      const owner = await readPid(path);
      if (owner !== undefined && owner !== process.pid && (await aliveDaemon(owner))) {
        throw unavailable(`pid file found, ensure berthd is not running or delete ${path}`);
      }
      await unlink(path).catch((err: unknown) => {
        if (!isErrno(err, 'ENOENT')) throw err;
      });
    }
  } finally {
    await rm(tmp, { force: true });
  }
  return async () => {
    if ((await readPid(path)) === process.pid) await rm(path, { force: true });
  };
}
