import { isLive } from '../core/containers.js';
import { cgroupDirsAt } from '../lib/cgroups/paths.js';
import { parseNetDev, readCgroupSampleIn, readNetDev, type NetDevCounters } from '../lib/cgroups/stats.js';
import { unavailable } from '../lib/errdefs.js';
import { run } from '../lib/exec.js';
import { matchesSelector, sandboxOf } from './container-labels.js';
import { cpuOf, CpuRate, memoryOf, type ContainerStatsReader, type CriContainerStats } from './container-stats.js';
import type { PodDeps } from './deps.js';
import { infraAlive } from './pod-namespaces.js';
import { podNamespaces } from './sandbox-run.js';
import type { SandboxRecord } from './sandbox-store.js';

type U64 = { value: number };

interface InterfaceUsage {
  name: string;
  rx_bytes: U64;
  rx_errors: U64;
  tx_bytes: U64;
  tx_errors: U64;
}

export interface CriPodSandboxStats {
  attributes: { id: string; metadata: SandboxRecord['config']['metadata']; labels: Record<string, string>; annotations: Record<string, string> };
  linux: {
    cpu: CriContainerStats['cpu'];
    memory: CriContainerStats['memory'];
    network: { timestamp: number; default_interface: InterfaceUsage | null; interfaces: InterfaceUsage[] } | null;
    process: { timestamp: number; process_count: U64 };
    containers: CriContainerStats[];
  };
}

/** The interface CNI gives a pod (pod-network.ts): the kubelet's `default_interface`. */
const DEFAULT_INTERFACE = 'eth0';

const usageOf = (name: string, c: NetDevCounters): InterfaceUsage => ({
  name,
  rx_bytes: { value: c.rx_bytes },
  rx_errors: { value: c.rx_errors },
  tx_bytes: { value: c.tx_bytes },
  tx_errors: { value: c.tx_errors },
});

/**
 * `PodSandboxStats` and `ListPodSandboxStats`, as containerd answers them: the pod cgroup's
 * counters (the same readings as a container's: lib/cgroups/stats.ts, CPU rate and memory as
 * container-stats.ts computes them), the interfaces of the pod's network namespace, its process
 * count (pids.current), and each running container's stats (the ContainerStatsReader's).
 */
export class PodStatsReader {
  private readonly cpu = new CpuRate();

  constructor(
    private readonly deps: PodDeps,
    private readonly containers: ContainerStatsReader,
  ) {}

  async one(req: { pod_sandbox_id: string }): Promise<{ stats: CriPodSandboxStats }> {
    const rec = this.deps.sandboxes.get(req.pod_sandbox_id);
    if (rec.state !== 'SANDBOX_READY')
      throw unavailable(`failed to get pod sandbox stats since sandbox container ${JSON.stringify(rec.id)} is not in ready state`);
    return { stats: await this.statsOf(rec) };
  }

  /** The ready pods the filter selects (id prefix, every selector label); one whose reading fails meanwhile (stopped) is left out. */
  async list(req: { filter: { id: string; label_selector: Record<string, string> } | null }): Promise<{ stats: CriPodSandboxStats[] }> {
    const f = req.filter;
    const all = this.deps.sandboxes.all();
    this.cpu.keepOnly(new Set(all.map((s) => s.id)));
    const recs = all
      .filter((s) => s.state === 'SANDBOX_READY')
      .filter((s) => !f?.id || s.id.startsWith(f.id))
      .filter((s) => matchesSelector(s.config.labels, f?.label_selector));
    const stats = await Promise.all(recs.map((rec) => this.statsOf(rec).catch(() => undefined)));
    return { stats: stats.filter((s): s is CriPodSandboxStats => s !== undefined) };
  }

  private async statsOf(rec: SandboxRecord): Promise<CriPodSandboxStats> {
    const at = Date.now() * 1e6;
    const [cg, net, containers] = await Promise.all([
      cgroupDirsAt(rec.cgroup.path).then(readCgroupSampleIn),
      this.netDev(rec),
      this.containers.list({ filter: { id: '', pod_sandbox_id: rec.id, label_selector: {} } }),
    ]);
    const def = net?.[DEFAULT_INTERFACE];
    return {
      attributes: { id: rec.id, metadata: rec.config.metadata, labels: rec.config.labels, annotations: rec.config.annotations },
      linux: {
        cpu: cpuOf(this.cpu, rec.id, cg, at),
        memory: memoryOf(cg.memory, at),
        network:
          net === undefined
            ? null
            : {
                timestamp: at,
                default_interface: def ? usageOf(DEFAULT_INTERFACE, def) : null,
                interfaces: Object.entries(net)
                  .filter(([name]) => name !== DEFAULT_INTERFACE)
                  .map(([name, c]) => usageOf(name, c)),
              },
        process: { timestamp: at, process_count: { value: cg.pids.current } },
        containers: containers.stats,
      },
    };
  }

  /**
   * The interfaces of the pod's network namespace (lo left out), as a process in it sees them: the
   * pause process, else a running container of the pod, else a `cat` entered into the pinned
   * namespace. None for a host-network pod (the node's stats are the kubelet's).
   */
  private async netDev(rec: SandboxRecord): Promise<Record<string, NetDevCounters> | undefined> {
    if (podNamespaces(rec.config).network === 'NODE' || rec.netns === undefined) return undefined;
    if (rec.infra !== undefined && (await infraAlive(rec.infra))) return readNetDev(rec.infra.pid);
    const member = this.deps.containers.store.all().find((c) => sandboxOf(c) === rec.id && isLive(c) && c.State.Pid > 0 && c.HostConfig.NetworkMode !== 'host');
    if (member !== undefined) return readNetDev(member.State.Pid);
    return parseNetDev((await run('nsenter', [`--net=${rec.netns}`, '--', 'cat', '/proc/net/dev'])).stdout);
  }
}
