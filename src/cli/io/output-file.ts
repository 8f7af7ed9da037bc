import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StatusError } from '../exit/errors.js';

/**
 * Writes a tar the daemon streams (save, export) to `-o FILE` or stdout. A file is written beside
 * its target and renamed, so a failure never leaves half a file there; docker refuses a terminal.
 */
export async function writeArchiveOutput(open: () => Promise<Readable>, output: string | undefined): Promise<void> {
  if (output === undefined && process.stdout.isTTY) {
    throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  }
  const tar = await open();
  if (output === undefined) {
    await pipeline(tar, process.stdout, { end: false });
    return;
  }
  const tmp = join(dirname(output), `.${basename(output)}.berth-${process.pid}`);
  try {
    await pipeline(tar, createWriteStream(tmp, { mode: 0o600, highWaterMark: 1 << 20 })); // queued chunks go out in one writev
    await rename(tmp, output);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
