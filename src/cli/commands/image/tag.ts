import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { splitRepoTag } from '../../flags/reference-arg.js';

export function tagCommand(parent: Command): void {
  parent
    .command('tag')
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .argument('<source>')
    .argument('<target>')
    .action(async (source: string, target: string) => {
      const { repo, tag } = splitRepoTag(target);
      await engine().imageTag(source, repo, tag);
    });
}
