import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { readJsonMessages } from '../../../client/engine.js';
import { engine, out } from '../../endpoint/context.js';
import { openInputFile } from '../../io/input-file.js';
import { collect } from '../../flags/options.js';

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
      // A URL is fetched by the daemon (docker's behaviour); a file or stdin is sent as the body.
      const url = /^https?:\/\//.test(file);
      let body: Readable | undefined;
      if (file === '-') body = process.stdin;
      else if (!url) body = await openInputFile(file);
      const stream = await engine().imageCreate({ fromSrc: url ? file : '-', repo: reference, message: flags.message, changes: flags.change }, body);
      await readJsonMessages(stream, (m) => {
        if (m.status) out(`${m.status}\n`);
      });
    });
}
