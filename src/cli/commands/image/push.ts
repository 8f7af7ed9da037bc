import type { Command } from 'commander';
import { readJsonMessages } from '../../../client/engine.js';
import { familiarRepository, parseReference } from '../../../lib/reference.js';
import { engine, out } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';
import { layerProgress } from '../../format/progress.js';
import { registryAuthFor } from '../../registry/auth.js';

export function pushCommand(parent: Command): void {
  parent
    .command('push')
    .description('Upload an image to a registry')
    .usage('[OPTIONS] NAME[:TAG]')
    .argument('<name>')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--disable-content-trust', 'Skip image signing (default true)')
    .action(async (name: string, flags: { allTags?: boolean; quiet?: boolean }) => {
      const ref = parseReference(name);
      if (flags.allTags && ref.tag !== undefined) throw new StatusError(1, "tag can't be used with --all-tags/-a");
      // As the docker CLI: without -a and without a tag, push `latest`.
      const tag = flags.allTags ? undefined : (ref.tag ?? 'latest');
      const stream = await engine().imagePush(familiarRepository(ref), tag, await registryAuthFor(name));
      const progress = layerProgress(out, process.stdout.isTTY === true);
      await readJsonMessages(stream, (m) => {
        if (!flags.quiet) progress.update(m);
      });
      if (flags.quiet) out(`${name}\n`);
    });
}
