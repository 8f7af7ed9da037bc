import type { Command } from 'commander';
import { parseRestartPolicy } from '../../flags/restart-policy.js';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';
import { addResourceFlags, resourcesFromFlags, type ResourceFlags } from './resource-flags.js';

interface UpdateFlags extends ResourceFlags {
  restart?: string;
}

export function updateCommand(parent: Command): void {
  addResourceFlags(parent.command('update').description('Update configuration of one or more containers').argument('<container...>'))
    .option('--restart <string>', 'Restart policy to apply when a container exits')
    .action(async (containers: string[], flags: UpdateFlags) => {
      const body = {
        ...resourcesFromFlags(flags),
        RestartPolicy: flags.restart === undefined ? undefined : parseRestartPolicy(flags.restart),
      };
      const api = engine();
      await forEachTarget(containers, async (c) => {
        await api.containerUpdate(c, body);
        out(`${c}\n`);
      });
    });
}
