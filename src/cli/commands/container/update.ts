import { InvalidArgumentError, type Command } from 'commander';
import { parseRestartPolicy } from '../../restart-policy.js';
import { engine, out } from '../../context.js';
import { forEachTarget } from '../../errors.js';
import { int } from '../../options.js';
import { parseBytes } from './create-flags.js';

interface UpdateFlags {
  cpuShares?: number;
  cpus?: string;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  memory?: string;
  memorySwap?: string;
  pidsLimit?: number;
  restart?: string;
}

export function updateCommand(parent: Command): void {
  parent
    .command('update')
    .description('Update configuration of one or more containers')
    .argument('<container...>')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)', int)
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', int)
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', int)
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-swap <bytes>', "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', int)
    .option('--restart <string>', 'Restart policy to apply when a container exits')
    .action(async (containers: string[], flags: UpdateFlags) => {
      const cpus = flags.cpus === undefined ? undefined : Number(flags.cpus);
      if (cpus !== undefined && Number.isNaN(cpus)) throw new InvalidArgumentError(`invalid argument "${flags.cpus}" for "--cpus" flag`);
      const body = {
        CpuShares: flags.cpuShares,
        NanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
        CpuQuota: flags.cpuQuota,
        CpuPeriod: flags.cpuPeriod,
        CpusetCpus: flags.cpusetCpus,
        Memory: flags.memory === undefined ? undefined : parseBytes(flags.memory),
        MemorySwap: flags.memorySwap === undefined ? undefined : flags.memorySwap === '-1' ? -1 : parseBytes(flags.memorySwap),
        PidsLimit: flags.pidsLimit,
        RestartPolicy: flags.restart === undefined ? undefined : parseRestartPolicy(flags.restart),
      };
      const api = engine();
      await forEachTarget(containers, async (c) => {
        await api.containerUpdate(c, body);
        out(`${c}\n`);
      });
    });
}
