import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { code, criClient, removePodsAndClose, testPodCidr, type Json } from './cri-client.js';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { readDaemonNetwork } from './network-names.js';

type U64 = { value: number };
interface Iface {
  name: string;
  rx_bytes: U64;
  rx_errors: U64;
  tx_bytes: U64;
  tx_errors: U64;
}
interface PodStats {
  attributes: { id: string; metadata: Json; labels: Record<string, string>; annotations: Record<string, string> };
  linux: {
    cpu: { timestamp: number; usage_core_nano_seconds: U64; usage_nano_cores: U64 };
    memory: { timestamp: number; working_set_bytes: U64; usage_bytes: U64; rss_bytes: U64; page_faults: U64 };
    network: { timestamp: number; default_interface: Iface | null; interfaces: Iface[] } | null;
    process: { timestamp: number; process_count: U64 };
    containers: Array<{ attributes: { id: string }; memory: { usage_bytes: U64 } }>;
  };
}

describe('Kubernetes CRI: PodSandboxStats and ListPodSandboxStats', () => {
  let d: Daemon;
  let cri: ReturnType<typeof criClient>;
  const uid = randomBytes(4).toString('hex');
  const busyConfig = {
    metadata: { name: 'busy', uid: `busy-${uid}`, namespace: 'default', attempt: 0 },
    hostname: 'busy',
    labels: { app: 'busy' },
    annotations: { note: 'as given' },
  };
  const idleConfig = {
    metadata: { name: 'idle', uid: `idle-${uid}`, namespace: 'default', attempt: 0 },
    labels: { app: 'idle' },
    // No shared PID namespace: no pause process, so the pod's interfaces are read in its pinned netns.
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
  };
  let busy = '';
  let idle = '';
  let app = '';
  let podIp = '';
  const burn = ['sh', '-c', 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done'];
  const statsOf = async (id: string): Promise<PodStats> => ((await cri.runtime.PodSandboxStats!({ pod_sandbox_id: id })) as { stats: PodStats }).stats;
  const listed = async (filter: Json | null): Promise<string[]> =>
    ((await cri.runtime.ListPodSandboxStats!(filter ? { filter } : {})) as { stats: PodStats[] }).stats.map((s) => s.attributes.id).sort();

  before(async () => {
    d = await startDaemon();
    cri = criClient(join(d.execRoot, 'cri.sock'));
    const podCidr = testPodCidr(readDaemonNetwork(dirname(d.dataRoot))!.pool);
    await cri.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: podCidr } } });
    busy = String((await cri.runtime.RunPodSandbox!({ config: busyConfig })).pod_sandbox_id);
    idle = String((await cri.runtime.RunPodSandbox!({ config: idleConfig })).pod_sandbox_id);
    // 8 MiB in the pod's /dev/shm (shared memory: charged to the pod's cgroup, never reclaimable as file cache), 200 kB to serve.
    const created = await cri.runtime.CreateContainer!({
      pod_sandbox_id: busy,
      sandbox_config: busyConfig,
      config: {
        metadata: { name: 'app', attempt: 0 },
        image: { image: 'busybox' },
        command: [
          'sh',
          '-c',
          'head -c 8388608 /dev/zero > /dev/shm/hold && mkdir -p /www && head -c 200000 /dev/zero > /www/blob && exec httpd -f -p 8080 -h /www',
        ],
      },
    });
    app = String(created.container_id);
    await cri.runtime.StartContainer!({ container_id: app });
    const st = (await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: busy })) as { status: { network: { ip: string } } };
    podIp = st.status.network.ip;
    await eventually(
      'httpd serves',
      () =>
        fetch(`http://${podIp}:8080/blob`).then(
          (r) => r.arrayBuffer().then(() => r.ok),
          () => false,
        ),
      10000,
    );
  });

  after(async () => {
    await removePodsAndClose(cri);
    await d?.stop();
  });

  it("the pod cgroup's CPU and memory, its processes, its containers' stats", async () => {
    await cri.runtime.ExecSync!({ container_id: app, cmd: burn, timeout: 30 });
    const first = await statsOf(busy);
    assert.equal(first.attributes.id, busy);
    assert.deepEqual(first.attributes.metadata, busyConfig.metadata);
    assert.deepEqual(first.attributes.labels, busyConfig.labels);
    assert.deepEqual(first.attributes.annotations, busyConfig.annotations);
    const l = first.linux;
    assert.ok(l.cpu.timestamp > 0);
    assert.ok(l.cpu.usage_core_nano_seconds.value > 0, JSON.stringify(l.cpu));
    assert.ok(l.memory.working_set_bytes.value >= 8 * 1024 * 1024, `the 8 MiB held in /dev/shm: ${JSON.stringify(l.memory)}`);
    assert.ok(l.memory.usage_bytes.value >= l.memory.working_set_bytes.value);
    assert.ok(l.memory.page_faults.value > 0);
    // The pause process and httpd at least; the container's own stats, and the pod's cgroup holds its memory.
    assert.ok(l.process.process_count.value >= 2, JSON.stringify(l.process));
    assert.deepEqual(
      l.containers.map((c) => c.attributes.id),
      [app],
    );
    assert.ok(l.memory.usage_bytes.value >= l.containers[0]!.memory.usage_bytes.value);
    // usage_nano_cores: the rate between two readings with CPU spent in between.
    await cri.runtime.ExecSync!({ container_id: app, cmd: burn, timeout: 30 });
    const second = await statsOf(busy);
    assert.ok(second.linux.cpu.usage_core_nano_seconds.value > l.cpu.usage_core_nano_seconds.value);
    assert.ok(second.linux.cpu.usage_nano_cores.value > 0, JSON.stringify(second.linux.cpu));
  });

  it("the pod network namespace's interfaces: bytes grow with traffic", async () => {
    const before = (await statsOf(busy)).linux.network!;
    assert.equal(before.default_interface?.name, 'eth0');
    assert.deepEqual(before.interfaces, [], 'eth0 is its only interface besides lo');
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`http://${podIp}:8080/blob`);
      assert.equal((await r.arrayBuffer()).byteLength, 200000);
    }
    const now = (await statsOf(busy)).linux.network!;
    assert.ok(now.timestamp > before.timestamp);
    assert.ok(now.default_interface!.tx_bytes.value - before.default_interface!.tx_bytes.value >= 5 * 200000, JSON.stringify({ before, now }));
    assert.ok(now.default_interface!.rx_bytes.value > before.default_interface!.rx_bytes.value);
    assert.equal(now.default_interface!.tx_errors.value, 0);
    // A pod with no pause process and no container running: read inside its pinned namespace.
    const quiet = (await statsOf(idle)).linux;
    assert.equal(quiet.network?.default_interface?.name, 'eth0');
    assert.deepEqual(quiet.containers, []);
    assert.equal(quiet.process.process_count.value, 0);
  });

  it('ListPodSandboxStats: the ready pods, by id prefix and labels; a stopped pod answers UNAVAILABLE', async () => {
    assert.deepEqual(await listed(null), [busy, idle].sort());
    assert.deepEqual(await listed({ id: busy.slice(0, 12) }), [busy]);
    assert.deepEqual(await listed({ label_selector: { app: 'idle' } }), [idle]);
    assert.deepEqual(await listed({ id: busy.slice(0, 12), label_selector: { app: 'idle' } }), []);
    assert.equal(await code(cri.runtime.PodSandboxStats!({ pod_sandbox_id: 'f'.repeat(64) })), GrpcStatus.NOT_FOUND);
    await cri.runtime.StopPodSandbox!({ pod_sandbox_id: idle });
    assert.deepEqual(await listed(null), [busy]);
    const err = await cri.runtime.PodSandboxStats!({ pod_sandbox_id: idle }).then(
      () => assert.fail('stats of a stopped pod'),
      (e: { code: number; details: string }) => e,
    );
    assert.equal(err.code, GrpcStatus.UNAVAILABLE);
    assert.equal(err.details, `failed to get pod sandbox stats since sandbox container "${idle}" is not in ready state`);
  });

  it('berthd logged no unhandled error', () => {
    assert.doesNotMatch(d.log(), /unhandled|uncaught/i);
  });
});
