import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { readJsonMessages } from '../../../client/engine.js';
import { engine, out } from '../../context.js';
import { StatusError } from '../../errors.js';
import { collect } from '../../options.js';

export function importCommand(parent: Command): void {
  parent
    .command('import')
    .description('Import the contents from a tarball to create a filesystem image')
    .argument('<file>', 'file|URL|- ')
    .argument('[reference]', 'REPOSITORY[:TAG]')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <string>', 'Set commit message for imported image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .action(async (file: string, reference: string | undefined, flags: { change?: string[]; message?: string }) => {
      let body: Readable;
      if (file === '-') body = process.stdin;
      else if (/^https?:\/\//.test(file)) throw new StatusError(1, 'import from a URL is not supported yet');
      else {
        body = createReadStream(file);
        await new Promise<void>((resolve, reject) => {
          body.once('open', () => resolve());
          body.once('error', (err: NodeJS.ErrnoException) => reject(new StatusError(1, `open ${file}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`)));
        });
      }
      const stream = await engine().imageCreate({ fromSrc: '-', repo: reference, message: flags.message, changes: flags.change }, body);
      await readJsonMessages(stream, (m) => {
        if (m.status) out(`${m.status}\n`);
      });
    });
}
