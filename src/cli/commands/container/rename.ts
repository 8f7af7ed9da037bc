import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';

export function renameCommand(parent: Command): void {
  parent
    .command('rename')
    .description('Rename a container')
    .argument('<container>')
    .argument('<new-name>')
    .action(async (container: string, name: string) => {
      await engine().containerRename(container, name);
    });
}
