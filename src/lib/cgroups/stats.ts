import { readFile } from 'node:fs/promises';
import { cgroupDirs } from './paths.js';

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** One reading of a container's cgroup counters (cgroup v1 files; v2 where they differ). */
export interface CgroupSample {
  cpu: { total: number; user: number; system: number; percpu: number[]; periods: number; throttledPeriods: number; throttledTime: number };
  memory: { usage: number; maxUsage: number; limit: number; stats: Record<string, number> };
  pids: { current: number; limit: number };
  blkio: BlkioEntry[];
}

const USER_HZ = 100;

async function text(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

async function num(path: string): Promise<number> {
  const t = (await text(path))?.trim();
  if (t === undefined || t === '' || t === 'max') return 0;
  return Number(t);
}

function keyValues(t: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (t ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}

/** blkio.throttle.io_service_bytes lines: `8:0 Read 4096`. */
function blkioEntries(t: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (t ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** Reads the counters of the cgroups `pid` belongs to. */
export async function readCgroupSample(pid: number): Promise<CgroupSample> {
  return readCgroupSampleIn(await cgroupDirs(pid));
}

/** Reads the counters of one cgroup, by its directories (paths.ts `cgroupDirs` or `cgroupDirsAt`); a missing file reads as 0. */
export async function readCgroupSampleIn(dirs: Map<string, string>): Promise<CgroupSample> {
  const cpuacct = dirs.get('cpuacct');
  if (cpuacct === undefined && dirs.has('')) return readV2(dirs.get('')!);
  const cpu = dirs.get('cpu') ?? cpuacct!;
  const mem = dirs.get('memory')!;
  const acctStat = keyValues(await text(`${cpuacct}/cpuacct.stat`));
  const throttle = keyValues(await text(`${cpu}/cpu.stat`));
  const memStats = keyValues(await text(`${mem}/memory.stat`));
  const limit = await num(`${mem}/memory.limit_in_bytes`);
  return {
    cpu: {
      total: await num(`${cpuacct}/cpuacct.usage`),
      user: ((acctStat.user ?? 0) * 1e9) / USER_HZ,
      system: ((acctStat.system ?? 0) * 1e9) / USER_HZ,
      percpu: ((await text(`${cpuacct}/cpuacct.usage_percpu`)) ?? '')
        .trim()
        .split(/\s+/)
        .filter((s) => s !== '')
        .map(Number),
      periods: throttle.nr_periods ?? 0,
      throttledPeriods: throttle.nr_throttled ?? 0,
      throttledTime: throttle.throttled_time ?? 0,
    },
    memory: { usage: await num(`${mem}/memory.usage_in_bytes`), maxUsage: await num(`${mem}/memory.max_usage_in_bytes`), limit, stats: memStats },
    pids: { current: await num(`${dirs.get('pids')}/pids.current`), limit: await num(`${dirs.get('pids')}/pids.max`) },
    blkio: blkioEntries(await text(`${dirs.get('blkio')}/blkio.throttle.io_service_bytes`)),
  };
}

async function readV2(dir: string): Promise<CgroupSample> {
  const cpuStat = keyValues(await text(`${dir}/cpu.stat`));
  const blkio: BlkioEntry[] = [];
  for (const line of ((await text(`${dir}/io.stat`)) ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (.*)$/.exec(line.trim());
    if (!m) continue;
    const kv = Object.fromEntries(m[3]!.split(' ').map((p) => p.split('=')));
    blkio.push({ major: Number(m[1]), minor: Number(m[2]), op: 'read', value: Number(kv.rbytes ?? 0) });
    blkio.push({ major: Number(m[1]), minor: Number(m[2]), op: 'write', value: Number(kv.wbytes ?? 0) });
  }
  return {
    cpu: {
      total: (cpuStat.usage_usec ?? 0) * 1000,
      user: (cpuStat.user_usec ?? 0) * 1000,
      system: (cpuStat.system_usec ?? 0) * 1000,
      percpu: [],
      periods: cpuStat.nr_periods ?? 0,
      throttledPeriods: cpuStat.nr_throttled ?? 0,
      throttledTime: (cpuStat.throttled_usec ?? 0) * 1000,
    },
    memory: {
      usage: await num(`${dir}/memory.current`),
      maxUsage: 0,
      limit: await num(`${dir}/memory.max`),
      stats: keyValues(await text(`${dir}/memory.stat`)),
    },
    pids: { current: await num(`${dir}/pids.current`), limit: await num(`${dir}/pids.max`) },
    blkio,
  };
}

/** The host's total CPU time in nanoseconds (the first line of /proc/stat), as Docker reports it. */
export async function systemCpuUsage(): Promise<number> {
  const line = ((await text('/proc/stat')) ?? '').split('\n')[0] ?? '';
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .reduce((a, v) => a + Number(v), 0);
  return (ticks * 1e9) / USER_HZ;
}

export interface NetDevCounters {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** Interface counters as the process's network namespace sees them (/proc/<pid>/net/dev), lo excluded. */
export async function readNetDev(pid: number): Promise<Record<string, NetDevCounters>> {
  return parseNetDev((await text(`/proc/${pid}/net/dev`)) ?? '');
}

/** The interfaces of a /proc/net/dev table, lo excluded. */
export function parseNetDev(table: string): Record<string, NetDevCounters> {
  const out: Record<string, NetDevCounters> = {};
  for (const line of table.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    out[m[1]!] = {
      rx_bytes: f[0]!,
      rx_packets: f[1]!,
      rx_errors: f[2]!,
      rx_dropped: f[3]!,
      tx_bytes: f[8]!,
      tx_packets: f[9]!,
      tx_errors: f[10]!,
      tx_dropped: f[11]!,
    };
  }
  return out;
}
