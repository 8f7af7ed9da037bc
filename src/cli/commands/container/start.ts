import type { Command } from 'commander';
import { copyRaw, demux } from '../../../client/stdcopy.js';
import { engine, out } from '../../context.js';
import { forEachTarget, StatusError } from '../../errors.js';

export function startCommand(parent: Command): void {
  parent
    .command('start')
    .description('Start one or more stopped containers')
    .argument('<container...>')
    .option('-a, --attach', "Attach STDOUT/STDERR and forward signals")
    .action(async (containers: string[], flags: { attach?: boolean }) => {
      const api = engine();
      if (flags.attach) {
        if (containers.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
        const info = await api.containerInspect(containers[0]!);
        const stream = await api.containerAttach(info.Id, { stream: true, stdout: true, stderr: true });
        const { result } = await api.containerWait(info.Id, 'next-exit');
        const copying = info.Config.Tty ? copyRaw(stream, process.stdout) : demux(stream, process.stdout, process.stderr);
        await api.containerStart(info.Id);
        await copying;
        const { StatusCode } = await result;
        if (StatusCode !== 0) throw new StatusError(StatusCode);
        return;
      }
      await forEachTarget(containers, async (c) => {
        await api.containerStart(c);
        out(`${c}\n`);
      });
    });
}
