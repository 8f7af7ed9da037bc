import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';

function pauseLike(parent: Command, name: 'pause' | 'unpause', description: string): void {
  parent
    .command(name)
    .description(description)
    .argument('<container...>')
    .action(async (containers: string[]) => {
      const api = engine();
      await forEachTarget(containers, async (c) => {
        await (name === 'pause' ? api.containerPause(c) : api.containerUnpause(c));
        out(`${c}\n`);
      });
    });
}

export function pauseCommands(parent: Command): void {
  pauseLike(parent, 'pause', 'Pause all processes within one or more containers');
  pauseLike(parent, 'unpause', 'Unpause all processes within one or more containers');
}
