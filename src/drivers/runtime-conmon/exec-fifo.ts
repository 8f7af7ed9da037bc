import { constants, open } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import { isErrno } from '../../lib/errdefs.js';

/**
 * `runc start` without spawning runc: a created container's init blocks opening
 * `<state dir>/exec.fifo` for writing until someone opens it for reading; it then writes one byte
 * and execs the user's process (closing its end). runc start does exactly this — open, read to
 * EOF, remove the fifo (its absence is what makes `runc state` say "running") — and so do we.
 *
 * Resolves true when the container was started this way, false when there is no fifo (not runc's
 * layout, or not in the created state) or the init died before it took the byte: the caller then
 * runs the runtime's own `start`, which reports the error in the runtime's words.
 */
export async function startThroughExecFifo(fifo: string, pid: number): Promise<boolean> {
  let fd: number;
  try {
    // Non-blocking: the open never waits in the thread pool. Until the init has opened its end,
    // the read side sees no writer and epoll reports nothing (Linux reports HUP only after a writer
    // came and went), so the socket just waits.
    fd = await new Promise<number>((resolve, reject) => open(fifo, constants.O_RDONLY | constants.O_NONBLOCK, (err, n) => (err ? reject(err) : resolve(n))));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  const sock = new Socket({ fd, readable: true, writable: false });
  let got = 0;
  const ok = await new Promise<boolean>((resolve) => {
    // The init may die before it opens the fifo (runc polls the same way, every 100 ms).
    const check = setInterval(() => {
      void initGone(pid).then((gone) => {
        if (gone && got === 0) finish(false);
      });
    }, 100);
    const finish = (v: boolean): void => {
      clearInterval(check);
      resolve(v);
    };
    sock.on('data', (d: Buffer) => (got += d.length));
    sock.on('end', () => finish(got > 0));
    sock.on('error', () => finish(false));
  });
  sock.destroy(); // closes the fd (the socket owns it now)
  if (!ok) return false;
  await unlink(fifo).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
  return true;
}

/** True when the process is gone or a zombie. */
async function initGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
