import type { Command } from 'commander';
import { copyRaw, demux } from '../../../client/stdcopy.js';
import { engine } from '../../endpoint/context.js';
import { parseTimeFlag } from '../../flags/time-flags.js';

interface LogsFlags {
  follow?: boolean;
  tail: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  details?: boolean;
}

export function logsCommand(parent: Command): void {
  parent
    .command('logs')
    .description('Fetch the logs of a container')
    .argument('<container>')
    .option('-f, --follow', 'Follow log output')
    .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--since <string>', 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .option('--until <string>', 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .option('--details', 'Show extra details provided to logs')
    .action(async (container: string, flags: LogsFlags) => {
      const api = engine();
      const info = await api.containerInspect(container);
      const stream = await api.containerLogs(info.Id, {
        stdout: true,
        stderr: true,
        follow: flags.follow,
        tail: flags.tail,
        timestamps: flags.timestamps,
        since: parseTimeFlag(flags.since),
        until: parseTimeFlag(flags.until),
        details: flags.details,
      });
      await (info.Config.Tty ? copyRaw(stream, process.stdout) : demux(stream, process.stdout, process.stderr));
    });
}
