import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';

const KIND = ['C', 'A', 'D'] as const;

export function diffCommand(parent: Command): void {
  parent
    .command('diff')
    .description("Inspect changes to files or directories on a container's filesystem")
    .argument('<container>')
    .action(async (container: string) => {
      const changes = (await engine().containerChanges(container)) ?? [];
      out(changes.map((c) => `${KIND[c.Kind]} ${c.Path}\n`).join(''));
    });
}
