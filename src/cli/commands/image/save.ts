import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { engine } from '../../context.js';
import { StatusError } from '../../errors.js';

export function saveCommand(parent: Command): void {
  parent
    .command('save')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<image...>')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .option('--platform <string>', 'Save only the given platform variant')
    .action(async (images: string[], flags: { output?: string }) => {
      if (flags.output === undefined && process.stdout.isTTY) {
        throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
      }
      const tar = await engine().imageSave(images);
      if (flags.output === undefined) {
        await pipeline(tar, process.stdout, { end: false });
        return;
      }
      // Written beside the target and renamed, so a failed save never leaves half a file there.
      const tmp = join(dirname(flags.output), `.${basename(flags.output)}.berth-save-${process.pid}`);
      try {
        await pipeline(tar, createWriteStream(tmp, { mode: 0o600 }));
        await rename(tmp, flags.output);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    });
}
