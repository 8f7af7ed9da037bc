import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { conflict, isErrno } from '../../core/errdefs.js';

/**
 * Asks conmon to resize the terminal: `1 ROWS COLS\n` on its ctl fifo, one message per write
 * (conmon 2.1.6 mishandles two in one). O_NONBLOCK: ENXIO instead of a hang when conmon is gone.
 */
export async function writeResize(ctlPath: string, height: number, width: number): Promise<void> {
  let fh;
  try {
    fh = await open(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENXIO') || isErrno(err, 'ENOENT')) throw conflict('the process is not running');
    throw err;
  }
  try {
    await fh.write(`1 ${height} ${width}\n`);
  } finally {
    await fh.close();
  }
}
