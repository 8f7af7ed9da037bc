import type { Command } from 'commander';
import { DaemonError } from '../../../client/errors.js';
import { out } from '../../endpoint/context.js';
import { describe, StatusError } from '../../exit/errors.js';
import { addCreateFlags, type CreateFlags } from './create-flags.js';
import { createWithPull } from './run.js';

export function createCommand(parent: Command): void {
  addCreateFlags(
    parent
      .command('create')
      .description('Create a new container')
      .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
      .argument('<image>')
      .argument('[command...]')
      .passThroughOptions()
      .option('--rm', 'Automatically remove the container when it exits'),
  ).action(async (image: string, command: string[], flags: CreateFlags & { rm?: boolean }) => {
    // docker create reports a daemon's refusal as a plain error with status 1; bad flags are 125.
    try {
      out(`${await createWithPull(flags, image, command, { AutoRemove: flags.rm ?? false })}\n`);
    } catch (err) {
      if (err instanceof DaemonError) throw new StatusError(1, describe(err));
      throw new StatusError(125, `berth: ${describe(err)}\n\nRun 'berth create --help' for more information`);
    }
  });
}
