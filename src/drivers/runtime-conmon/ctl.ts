import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { conflict, isErrno } from '../../lib/errdefs.js';

/** Asks conmon to resize the terminal: `1 ROWS COLS`. */
export function writeResize(ctlPath: string, height: number, width: number): Promise<void> {
  return writeCtl(ctlPath, `1 ${height} ${width}\n`);
}

/** Asks conmon to reopen its log file (`2 0 0`): it creates a new file at its log path. */
export function writeReopenLog(ctlPath: string): Promise<void> {
  return writeCtl(ctlPath, '2 0 0\n');
}

const notRunning = (): Error => conflict('the process is not running');

/**
 * One message on conmon's ctl fifo, in one write (conmon 2.1.6 mishandles two in one).
 * O_NONBLOCK: ENXIO instead of a hang when conmon is gone. conmon may also go between the open
 * and the write (the process ended just then: EPIPE); either way the process is not running.
 */
async function writeCtl(ctlPath: string, message: string): Promise<void> {
  let fh;
  try {
    fh = await open(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENXIO') || isErrno(err, 'ENOENT')) throw notRunning();
    throw err;
  }
  try {
    await fh.write(message);
  } catch (err) {
    if (isErrno(err, 'EPIPE')) throw notRunning();
    throw err;
  } finally {
    await fh.close();
  }
}
