import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { collect, parseBoolFlag } from '../../flags/options.js';
import { splitRepoTag } from '../../flags/reference-arg.js';

interface CommitFlags {
  author?: string;
  change?: string[];
  message?: string;
  pause: string | boolean;
}

export function commitCommand(parent: Command): void {
  parent
    .command('commit')
    .description("Create a new image from a container's changes")
    .usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]')
    .argument('<container>')
    .argument('[reference]')
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <list>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause [bool]', 'Pause container during commit', true)
    .action(async (container: string, reference: string | undefined, flags: CommitFlags) => {
      const pause = parseBoolFlag(flags.pause, '-p, --pause');
      const { repo, tag } = reference ? splitRepoTag(reference) : { repo: undefined, tag: undefined };
      const r = await engine().containerCommit({
        container,
        repo,
        tag,
        comment: flags.message,
        author: flags.author,
        pause,
        changes: flags.change,
      });
      out(`${r.Id}\n`);
    });
}
