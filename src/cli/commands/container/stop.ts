import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';
import { int } from '../../flags/options.js';

/** `stop` and `restart` take the same flags and differ only in the call. */
function stopLike(parent: Command, name: 'stop' | 'restart', description: string): void {
  parent
    .command(name)
    .description(description)
    .argument('<container...>')
    .option('-s, --signal <string>', 'Signal to send to the container')
    .option('-t, --time <int>', 'Seconds to wait before killing the container', int)
    .action(async (containers: string[], flags: { signal?: string; time?: number }) => {
      const api = engine();
      await forEachTarget(containers, async (c) => {
        const query = { t: flags.time, signal: flags.signal };
        await (name === 'stop' ? api.containerStop(c, query) : api.containerRestart(c, query));
        out(`${c}\n`);
      });
    });
}

export function stopCommand(parent: Command): void {
  stopLike(parent, 'stop', 'Stop one or more running containers');
}

export function restartCommand(parent: Command): void {
  stopLike(parent, 'restart', 'Restart one or more containers');
}
