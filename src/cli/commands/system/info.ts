import type { Command } from 'commander';
import { serverInfoText } from '../../format/info.js';
import { CLI_VERSION } from './version.js';
import { engine, out } from '../../endpoint/context.js';
import { renderOne } from '../../format/render.js';

export function infoCommand(parent: Command): void {
  parent
    .command('info')
    .description('Display system-wide information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (flags: { format?: string }) => {
      const info = await engine().info();
      if (flags.format) return out(`${renderOne(flags.format, info)}\n`);
      out(`Client:\n Version:    ${CLI_VERSION}\n Context:    default\n Debug Mode: false\n\n${serverInfoText(info)}`);
      // The docker CLI prints the daemon's warnings on stderr.
      for (const w of info.Warnings ?? []) process.stderr.write(`${w}\n`);
    });
}
