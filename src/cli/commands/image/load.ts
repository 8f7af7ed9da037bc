import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { readJsonMessages } from '../../../client/engine.js';
import { engine, out } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';
import { progressPrinter } from '../../format/progress.js';
import { openInputFile } from '../../io/input-file.js';

export function loadCommand(parent: Command): void {
  parent
    .command('load')
    .description('Load an image from a tar archive or STDIN')
    .option('-i, --input <string>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output')
    .option('--platform <string>', 'Load only the given platform variant')
    .action(async (flags: { input?: string; quiet?: boolean }) => {
      let body: Readable;
      if (flags.input !== undefined) body = await openInputFile(flags.input);
      else if (process.stdin.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty');
      else body = process.stdin;
      // Progress bars only make sense on a terminal; elsewhere just the "Loaded image" lines.
      const tty = process.stdout.isTTY === true;
      const stream = await engine().imageLoad(body, flags.quiet === true || !tty);
      const progress = progressPrinter(out);
      await readJsonMessages(stream, (m) => {
        if (m.stream !== undefined) {
          progress.done();
          out(m.stream);
        } else if (tty && !flags.quiet) progress.update(m);
      });
      progress.done();
    });
}
