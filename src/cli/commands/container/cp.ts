import type { Command } from 'commander';
import { copyFromContainer } from '../../copy/from-container.js';
import { splitCpArg } from '../../copy/paths.js';
import { copyToContainer } from '../../copy/to-container.js';
import { StatusError } from '../../exit/errors.js';

export function cpCommand(parent: Command): void {
  parent
    .command('cp')
    .description('Copy files/folders between a container and the local filesystem')
    .usage('[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n       berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
    .argument('<src>')
    .argument('<dest>')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-q, --quiet', 'Suppress progress output during copy')
    .action(async (srcArg: string, destArg: string, opts: { archive?: boolean; followLink?: boolean }) => {
      const src = splitCpArg(srcArg);
      const dest = splitCpArg(destArg);
      const flags = { archive: opts.archive === true, followLink: opts.followLink === true };
      if (src.container !== undefined && dest.container !== undefined) throw new StatusError(1, 'copying between containers is not supported');
      if (src.container === undefined && dest.container === undefined) throw new StatusError(1, 'must specify at least one container source');
      if (src.container !== undefined) await copyFromContainer(src.container, src.path, dest.path, flags);
      else await copyToContainer(src.path, dest.container!, dest.path, flags);
    });
}
