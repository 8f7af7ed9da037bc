import { InvalidArgumentError, type Command } from 'commander';
import type { HostConfig } from '../../../api/types/containers.js';
import { int } from '../../flags/options.js';
import { ramInBytes } from '../../../lib/go/units.js';

/** docker's RAMInBytes: `512m`, `1g`, `100k`, plain bytes; binary multiples. */
export function parseBytes(s: string): number {
  const n = ramInBytes(s);
  if (n === undefined) throw new InvalidArgumentError(`invalid size: '${s}'`);
  return n;
}

/** The live-updatable resource flags, declared once for `run`/`create` and `update`. */
export function addResourceFlags(cmd: Command): Command {
  return cmd
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)', int)
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota', int)
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period', int)
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-swap <bytes>', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)', int);
}

export interface ResourceFlags {
  cpuShares?: number;
  cpus?: string;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  memory?: string;
  memorySwap?: string;
  pidsLimit?: number;
}

export type ResourceFields = Pick<HostConfig, 'CpuShares' | 'NanoCpus' | 'CpuQuota' | 'CpuPeriod' | 'CpusetCpus' | 'Memory' | 'MemorySwap' | 'PidsLimit'>;

/** What Docker sends for resource flags a create did not give. */
export const RESOURCE_DEFAULTS: Required<ResourceFields> = {
  CpuShares: 0,
  NanoCpus: 0,
  CpuQuota: 0,
  CpuPeriod: 0,
  CpusetCpus: '',
  Memory: 0,
  MemorySwap: 0,
  PidsLimit: null,
};

/** Flags → HostConfig resource fields; a flag that was not given yields no field (update changes only those given). */
export function resourcesFromFlags(f: ResourceFlags): ResourceFields {
  const cpus = f.cpus === undefined ? undefined : Number(f.cpus);
  if (cpus !== undefined && Number.isNaN(cpus)) throw new InvalidArgumentError(`invalid argument "${f.cpus}" for "--cpus" flag`);
  const fields: ResourceFields = {
    CpuShares: f.cpuShares,
    NanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
    CpuQuota: f.cpuQuota,
    CpuPeriod: f.cpuPeriod,
    CpusetCpus: f.cpusetCpus,
    Memory: f.memory === undefined ? undefined : parseBytes(f.memory),
    MemorySwap: f.memorySwap === undefined ? undefined : f.memorySwap === '-1' ? -1 : parseBytes(f.memorySwap),
    PidsLimit: f.pidsLimit,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as ResourceFields;
}
