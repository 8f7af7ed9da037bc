import { access, mkdir, writeFile } from 'node:fs/promises';

/**
 * What the host's cgroups offer for the resource settings Docker checks at create (its sysinfo):
 * memory swappiness and the CPU real-time scheduler exist only on cgroup v1 hierarchies (v2 has
 * neither file), the real-time one only with CONFIG_RT_GROUP_SCHED.
 */
export interface CgroupFeatures {
  memorySwappiness: boolean;
  cpuRealtime: boolean;
}

/** The v1 directories a controller may be mounted at (alone, or co-mounted as on most distributions). */
const V1 = { memory: ['/sys/fs/cgroup/memory'], cpu: ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'] };

export async function cgroupFeatures(root = ''): Promise<CgroupFeatures> {
  const any = async (dirs: string[], file: string): Promise<boolean> => {
    for (const d of dirs) if (await exists(`${root}${d}/${file}`)) return true;
    return false;
  };
  return { memorySwappiness: await any(V1.memory, 'memory.swappiness'), cpuRealtime: await any(V1.cpu, 'cpu.rt_period_us') };
}

/** The v1 cpu controller's directory for `path` (an absolute cgroup path), where the host has one. */
export async function cpuControllerDir(path: string, root = ''): Promise<string | undefined> {
  for (const d of V1.cpu) if (await exists(`${root}${d}/cpu.rt_period_us`)) return `${root}${d}${path}`;
  return undefined;
}

function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/**
 * dockerd's initCPURtController: gives the containers' parent cgroup (`/berth`) the real-time
 * budget of daemon.json `cpu-rt-period`/`cpu-rt-runtime` (0 leaves a value alone), so a child can
 * be given part of it (the kernel refuses a child more than its parent has; the default parent
 * budget is 0).
 */
export async function initCpuRealtimeParent(parent: string, budget: { period: number; runtime: number }, root = ''): Promise<void> {
  const dir = await cpuControllerDir(parent, root);
  if (dir === undefined) return;
  await mkdir(dir, { recursive: true });
  if (budget.period !== 0) await writeFile(`${dir}/cpu.rt_period_us`, String(budget.period));
  if (budget.runtime !== 0) await writeFile(`${dir}/cpu.rt_runtime_us`, String(budget.runtime));
}
