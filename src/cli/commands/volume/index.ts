import type { Command } from 'commander';
import { volumeCreateCommand } from './create.js';
import { volumeInspectCommand } from './inspect.js';
import { volumeLsCommand } from './ls.js';
import { volumePruneCommand } from './prune.js';
import { volumeRmCommand } from './rm.js';

/** `volume create|ls|inspect|rm|prune`. */
export function volumeCommands(program: Command): void {
  const volume = program.command('volume').description('Manage volumes');
  volumeCreateCommand(volume);
  volumeLsCommand(volume);
  volumeInspectCommand(volume);
  volumeRmCommand(volume);
  volumePruneCommand(volume);
}
