import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { writeArchiveOutput } from '../../io/output-file.js';

export function exportCommand(parent: Command): void {
  parent
    .command('export')
    .description("Export a container's filesystem as a tar archive")
    .argument('<container>')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .action(async (container: string, flags: { output?: string }) => {
      await writeArchiveOutput(() => engine().containerExport(container), flags.output);
    });
}
