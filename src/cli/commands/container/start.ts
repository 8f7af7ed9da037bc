import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget, StatusError } from '../../exit/errors.js';
import { attachSession } from './attach.js';

export function startCommand(parent: Command): void {
  parent
    .command('start')
    .description('Start one or more stopped containers')
    .argument('<container...>')
    .option('-a, --attach', 'Attach STDOUT/STDERR and forward signals')
    .option('-i, --interactive', "Attach container's STDIN")
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .action(async (containers: string[], flags: { attach?: boolean; interactive?: boolean; detachKeys?: string }) => {
      const api = engine();
      if (flags.attach || flags.interactive) {
        if (containers.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
        const info = await api.containerInspect(containers[0]!);
        const stdin = flags.interactive === true && info.Config.OpenStdin === true;
        await attachSession(api, info.Id, { stdin, tty: info.Config.Tty === true, detachKeys: flags.detachKeys, start: true });
        return;
      }
      await forEachTarget(containers, async (c) => {
        await api.containerStart(c);
        out(`${c}\n`);
      });
    });
}
