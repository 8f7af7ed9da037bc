import type { Command } from 'commander';
import { out } from '../../endpoint/context.js';
import { pull } from '../../registry/pull.js';

export function pullCommand(parent: Command): void {
  parent
    .command('pull')
    .description('Download an image from a registry')
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .argument('<name>')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--disable-content-trust', 'Skip image verification (default true)')
    .action(async (name: string, flags: { allTags?: boolean; platform?: string; quiet?: boolean }) => {
      // Docker's last line (the only one with -q): the full name pulled.
      out(`${await pull(name, { all: flags.allTags, platform: flags.platform, quiet: flags.quiet }, out, process.stdout.isTTY === true)}\n`);
    });
}
