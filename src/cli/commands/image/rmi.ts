import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

export function rmiCommand(parent: Command, name = 'rmi'): void {
  parent
    .command(name)
    .description('Remove one or more images')
    .argument('<image...>')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .action(async (images: string[], flags: { force?: boolean; prune: boolean }) => {
      await forEachTarget(images, async (img) => {
        const items = await engine().imageRemove(img, { force: flags.force, noprune: !flags.prune });
        for (const item of items) out('Untagged' in item ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`);
      });
    });
}
