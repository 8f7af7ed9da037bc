import type { Command } from 'commander';
import { engine } from '../../context.js';
import { printInspect } from '../inspect.js';

export function volumeInspectCommand(parent: Command): void {
  parent
    .command('inspect')
    .description('Display detailed information on one or more volumes')
    .argument('<volume...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (names: string[], flags: { format?: string }) => {
      await printInspect(names, flags.format, (n) => engine().volumeInspect(n), 'volume');
    });
}
