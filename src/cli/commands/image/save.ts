import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { writeArchiveOutput } from '../../io/output-file.js';

export function saveCommand(parent: Command): void {
  parent
    .command('save')
    .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<image...>')
    .option('-o, --output <string>', 'Write to a file, instead of STDOUT')
    .option('--platform <string>', 'Save only the given platform variant')
    .action(async (images: string[], flags: { output?: string }) => {
      await writeArchiveOutput(() => engine().imageSave(images), flags.output);
    });
}
