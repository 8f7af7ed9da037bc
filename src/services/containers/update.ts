import { publishContainerEvent } from './events.js';
import type { HostConfig, RestartPolicy } from '../../core/containers.js';
import { invalidArgument } from '../../lib/errdefs.js';
import type { LinuxResources } from '../../lib/oci/runtime-spec.js';
import type { ContainerDeps } from './deps.js';
import type { RuntimeResources } from '../../core/runtime.js';
import { verifyRestartPolicy } from './config/verify.js';
import { cpuResources, memoryResources } from './spec/resources.js';

/** What `update` needs: the record and its lock, the runtime's cgroup update, the bus. */
export type UpdateDeps = Pick<ContainerDeps, 'store' | 'locks' | 'events'> & { runtime: Pick<RuntimeResources, 'update'> };

/** What `docker update` may change (Docker's UpdateConfig: resources and the restart policy). */
export type UpdateConfig = Pick<HostConfig, 'CpuShares' | 'CpuQuota' | 'CpuPeriod' | 'NanoCpus' | 'CpusetCpus' | 'Memory' | 'MemorySwap' | 'PidsLimit'> & {
  RestartPolicy?: RestartPolicy;
};

const CPU_FIELDS = ['CpuShares', 'CpuQuota', 'CpuPeriod', 'NanoCpus', 'CpusetCpus'] as const;
const MEMORY_FIELDS = ['Memory', 'MemorySwap'] as const;

const given = (u: UpdateConfig, k: keyof UpdateConfig): boolean => u[k] !== undefined && u[k] !== null && u[k] !== 0 && u[k] !== '';

/**
 * `update`: records the new limits and, for a running container, applies the changed resource
 * families with `runc update` (unchanged families are left as they are). Zero/empty fields mean
 * "unchanged", as in Docker.
 */
export async function updateContainer(deps: UpdateDeps, ref: string, u: UpdateConfig): Promise<string[]> {
  const rec = deps.store.get(ref);
  await deps.locks.run(rec.Id, async () => {
    const hc: HostConfig = { ...rec.HostConfig };
    for (const k of [...CPU_FIELDS, ...MEMORY_FIELDS, 'PidsLimit'] as const) if (given(u, k)) (hc as Record<string, unknown>)[k] = u[k];
    if (given(u, 'NanoCpus')) Object.assign(hc, { CpuQuota: 0, CpuPeriod: 0 });
    if (u.RestartPolicy?.Name) {
      verifyRestartPolicy(u.RestartPolicy);
      if (rec.HostConfig.AutoRemove && u.RestartPolicy.Name !== 'no') {
        throw invalidArgument('Restart policy cannot be updated because AutoRemove is enabled for the container');
      }
      hc.RestartPolicy = u.RestartPolicy;
    }
    if (given(u, 'Memory') && !given(u, 'MemorySwap') && (hc.MemorySwap ?? 0) > 0 && hc.MemorySwap! < hc.Memory!) {
      throw invalidArgument('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    const resources: LinuxResources = {};
    if (MEMORY_FIELDS.some((k) => given(u, k))) {
      const memory = memoryResources(hc);
      if (memory) resources.memory = memory;
    }
    if (CPU_FIELDS.some((k) => given(u, k))) {
      const cpu = cpuResources(hc);
      if (cpu) resources.cpu = cpu;
    }
    if (given(u, 'PidsLimit')) resources.pids = { limit: hc.PidsLimit! > 0 ? hc.PidsLimit! : -1 };
    const live = rec.State.Status === 'running' || rec.State.Status === 'paused';
    if (live && Object.keys(resources).length > 0) {
      await deps.runtime.update(rec.Id, resources).catch((err: Error) => {
        throw invalidArgument(`Cannot update container ${rec.Id}: ${err.message}`);
      });
    }
    rec.HostConfig = hc;
    await deps.store.save(rec);
  });
  publishContainerEvent(deps.events, rec, 'update');
  return [];
}
