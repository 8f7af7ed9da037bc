import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { code, criClient, removePodsAndClose, type Json } from './cri-client.js';
import { dockerOk, eventually, processAlive, startDaemon, type Daemon } from './harness.js';
import { mountsUnder } from './cleanup.js';
import { readDaemonNetwork } from './network-names.js';
import { freePort } from './registry-util.js';
import { readAll, spdyDial } from './spdy-client.js';

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/** Directories by that name at the top of any cgroup hierarchy. */
async function cgroupsNamed(name: string): Promise<string[]> {
  const out: string[] = [];
  for (const h of await readdir('/sys/fs/cgroup')) if (await exists(join('/sys/fs/cgroup', h, name))) out.push(join('/sys/fs/cgroup', h, name));
  return out;
}

interface SandboxStatus {
  id: string;
  state: string;
  created_at: number;
  network: { ip: string };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  metadata: Json;
  linux: { namespaces: { options: Json } };
}

interface ContainerStatus {
  id: string;
  state: string;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  reason: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  log_path: string;
  image: { image: string };
  image_ref: string;
  metadata: { name: string; attempt: number };
  mounts: Json[];
}

describe('Kubernetes CRI v1: pod sandboxes and their containers', () => {
  let d: Daemon;
  let cri: ReturnType<typeof criClient>;
  let tmp: string;
  let podCidr: string;
  let nextCidr: string;
  let hostPort: number;
  const suffix = randomBytes(4).toString('hex');
  const cgroupParent = `/berth-e2e-${suffix}/pod-${suffix}`;
  let sandboxId = '';
  let sandboxConfig: Json;
  const ids = { server: '', client: '' };
  const logDir = (): string => join(tmp, 'pods', `default_web_${suffix}`);

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-cri-pods-'));
    d = await startDaemon();
    cri = criClient(join(d.execRoot, 'cri.sock'));
    // The kubelet's pod CIDR: a /24 of this test daemon's own pool that its networks do not use (the last one).
    const pool = readDaemonNetwork(dirname(d.dataRoot))!.pool.split('.');
    podCidr = `${pool[0]}.${pool[1]}.${Number(pool[2]) + 15}.0/24`;
    nextCidr = `${pool[0]}.${pool[1]}.${Number(pool[2]) + 14}.0/24`;
    hostPort = await freePort();
    sandboxConfig = {
      metadata: { name: 'web', uid: suffix, namespace: 'default', attempt: 0 },
      hostname: 'web-pod',
      log_directory: logDir(),
      dns_config: { servers: ['192.0.2.53'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
      port_mappings: [{ protocol: 'TCP', container_port: 8080, host_port: hostPort, host_ip: '127.0.0.1' }],
      labels: { app: 'web', tier: 'front' },
      annotations: { 'example.com/note': 'kept as given' },
      linux: {
        cgroup_parent: cgroupParent,
        sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80', 'kernel.shmmni': '2048' },
        security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } },
      },
    };
  });

  after(async () => {
    // Whatever a failed test left: pods (their pause processes, pins and cgroups) go before the daemon.
    await removePodsAndClose(cri);
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('UpdateRuntimeConfig takes the pod CIDR; Status reports the network ready', async () => {
    await cri.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: podCidr } } });
    const s = (await cri.runtime.Status!({})) as { status: { conditions: Json[] } };
    assert.deepEqual(Object.fromEntries(s.status.conditions.map((c) => [c.type, c.status])), { RuntimeReady: true, NetworkReady: true });
    assert.equal(await code(cri.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: 'not-a-cidr' } } })), GrpcStatus.INVALID_ARGUMENT);
  });

  it('RunPodSandbox: a ready pod with its IP on the pod CIDR, labels and annotations as given', async () => {
    const r = await cri.runtime.RunPodSandbox!({ config: sandboxConfig });
    sandboxId = String(r.pod_sandbox_id);
    assert.match(sandboxId, /^[0-9a-f]{64}$/);
    const st = (await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: sandboxId, verbose: true })) as { status: SandboxStatus; info: Record<string, string> };
    assert.equal(st.status.id, sandboxId);
    assert.equal(st.status.state, 'SANDBOX_READY');
    assert.ok(st.status.created_at > 0);
    assert.deepEqual(st.status.metadata, sandboxConfig.metadata);
    assert.deepEqual(st.status.labels, sandboxConfig.labels);
    assert.deepEqual(st.status.annotations, sandboxConfig.annotations);
    assert.equal(st.status.linux.namespaces.options.pid, 'POD');
    const prefix = podCidr.split('.').slice(0, 3).join('.');
    assert.ok(st.status.network.ip.startsWith(`${prefix}.`), `${st.status.network.ip} in ${podCidr}`);
    const info = JSON.parse(st.info.info!) as { netns: string; infraPid: number };
    assert.ok(info.netns.startsWith(join(d.execRoot, 'cri')), info.netns);
    assert.ok(processAlive(info.infraPid), 'the pause process runs');
    assert.equal((await readFile(`/proc/${info.infraPid}/comm`, 'utf8')).trim(), 'catatonit');
    // The same name again is refused (one sandbox per pod name and attempt).
    assert.notEqual(await code(cri.runtime.RunPodSandbox!({ config: sandboxConfig })), GrpcStatus.OK);
    assert.equal(await code(cri.runtime.RunPodSandbox!({ config: { metadata: { name: 'x' } } })), GrpcStatus.INVALID_ARGUMENT);
  });

  it('ListPodSandbox filters by id, state and labels', async () => {
    const list = async (filter: Json): Promise<string[]> =>
      ((await cri.runtime.ListPodSandbox!({ filter })) as { items: Json[] }).items.map((i) => String(i.id));
    assert.deepEqual(await list({}), [sandboxId]);
    assert.deepEqual(await list({ id: sandboxId.slice(0, 12) }), [sandboxId]);
    assert.deepEqual(await list({ id: 'ffff' }), []);
    assert.deepEqual(await list({ state: { state: 'SANDBOX_READY' } }), [sandboxId]);
    assert.deepEqual(await list({ state: { state: 'SANDBOX_NOTREADY' } }), []);
    assert.deepEqual(await list({ label_selector: { app: 'web' } }), [sandboxId]);
    assert.deepEqual(await list({ label_selector: { app: 'web', tier: 'back' } }), []);
  });

  it('a new pod CIDR while a pod uses the old one waits for the pods to go (across restarts)', async () => {
    await cri.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: nextCidr } } });
    const st = (await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: sandboxId })) as { status: SandboxStatus };
    assert.ok(st.status.network.ip.startsWith(podCidr.split('.').slice(0, 3).join('.') + '.'), st.status.network.ip);
    // The last test runs a pod once this one is gone: it gets an address of nextCidr.
  });

  const container = (name: string, command: string[], extra: Json = {}): Json => ({
    pod_sandbox_id: sandboxId,
    sandbox_config: sandboxConfig,
    config: {
      metadata: { name, attempt: 0 },
      image: { image: 'busybox' },
      command,
      envs: [{ key: 'POD_ROLE', value: name }],
      labels: { role: name },
      annotations: { 'example.com/container': name },
      log_path: `${name}/0.log`,
      linux: { security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' }, seccomp: { profile_type: 'RuntimeDefault' } } },
      ...extra,
    },
  });

  it('CreateContainer/StartContainer: two containers share the network, PID, IPC and UTS namespaces of the pod', async () => {
    const server = await cri.runtime.CreateContainer!(
      container('server', [
        'sh',
        '-c',
        'echo shared > /dev/shm/from-server && mkdir -p /www && echo "hello from $POD_ROLE" > /www/index.html && exec httpd -f -p 8080 -h /www',
      ]),
    );
    ids.server = String(server.container_id);
    const created = (await cri.runtime.ContainerStatus!({ container_id: ids.server })) as { status: ContainerStatus };
    assert.equal(created.status.state, 'CONTAINER_CREATED');
    assert.equal(Number(created.status.started_at), 0);
    await cri.runtime.StartContainer!({ container_id: ids.server });
    const client = await cri.runtime.CreateContainer!(
      container('client', [
        'sh',
        '-c',
        [
          'for i in $(seq 100); do wget -q -O - http://localhost:8080/ && break; sleep 0.1; done',
          'echo "hostname=$(hostname)"',
          'echo "pid1=$(cat /proc/1/comm)"',
          'echo "shm=$(cat /dev/shm/from-server)"',
          'echo "shmmni=$(cat /proc/sys/kernel/shmmni) port_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)"',
          'grep -E "^(nameserver|search|options)" /etc/resolv.conf',
          'echo >&2 to-stderr',
          'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done',
        ].join('; '),
      ]),
    );
    ids.client = String(client.container_id);
    await cri.runtime.StartContainer!({ container_id: ids.client });
    const logPath = join(logDir(), 'client/0.log');
    const log = await eventually(
      'the client container to log its checks',
      async () => {
        const text = await readFile(logPath, 'utf8').catch(() => '');
        return text.includes('tick 1') ? text : undefined;
      },
      20_000,
    );
    // CRI log format: RFC 3339 time, stream, P/F tag, the line.
    const lines = log.trimEnd().split('\n');
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d) (stdout|stderr) [PF] /, l);
    const out = lines.map((l) => l.replace(/^\S+ \S+ [PF] /, ''));
    assert.ok(out.includes('hello from server'), 'the client reached the server over localhost: ' + log);
    assert.ok(out.includes('hostname=web-pod'), log);
    assert.ok(out.includes('pid1=catatonit'), 'the pause process is pid 1 of the shared PID namespace: ' + log);
    assert.ok(out.includes('shm=shared'), 'one /dev/shm for the pod: ' + log);
    assert.ok(out.includes('shmmni=2048 port_start=80'), 'the pod sysctls, in its IPC and network namespaces: ' + log);
    assert.ok(out.includes('nameserver 192.0.2.53'), log);
    assert.ok(out.includes('search default.svc.cluster.local'), log);
    assert.ok(out.includes('options ndots:5'), log);
    assert.match(log, / stderr F to-stderr\n/);
  });

  it('ContainerStatus and ListContainers', async () => {
    const st = ((await cri.runtime.ContainerStatus!({ container_id: ids.client })) as { status: ContainerStatus }).status;
    assert.equal(st.id, ids.client);
    assert.equal(st.state, 'CONTAINER_RUNNING');
    assert.deepEqual(st.metadata, { name: 'client', attempt: 0 });
    assert.ok(st.created_at > 0 && st.started_at >= st.created_at, JSON.stringify(st));
    assert.equal(Number(st.finished_at), 0);
    assert.equal(st.labels.role, 'client');
    assert.equal(st.labels['io.kubernetes.container.name'], 'client');
    assert.equal(st.labels['io.kubernetes.sandbox.id'], undefined, "berth's own labels stay out of the CRI view");
    assert.deepEqual(st.annotations, { 'example.com/container': 'client' });
    assert.equal(st.log_path, join(logDir(), 'client/0.log'));
    assert.equal(st.image.image, 'busybox');
    assert.match(st.image_ref, /^sha256:[0-9a-f]{64}$/);
    const list = async (filter: Json): Promise<string[]> =>
      ((await cri.runtime.ListContainers!({ filter })) as { containers: Json[] }).containers.map((c) => String(c.id)).sort();
    assert.deepEqual(await list({}), [ids.client, ids.server].sort());
    assert.deepEqual(await list({ pod_sandbox_id: sandboxId }), [ids.client, ids.server].sort());
    assert.deepEqual(await list({ id: ids.server.slice(0, 12) }), [ids.server]);
    assert.deepEqual(await list({ label_selector: { role: 'server' } }), [ids.server]);
    assert.deepEqual(await list({ state: { state: 'CONTAINER_RUNNING' } }), [ids.client, ids.server].sort());
    assert.deepEqual(await list({ state: { state: 'CONTAINER_EXITED' } }), []);
    assert.equal(await code(cri.runtime.ContainerStatus!({ container_id: 'f'.repeat(64) })), GrpcStatus.NOT_FOUND);
    const stats = (await cri.runtime.ListContainerStats!({ filter: { pod_sandbox_id: sandboxId } })) as {
      stats: Array<{
        attributes: { id: string; metadata: { name: string }; labels: Record<string, string> };
        memory: { working_set_bytes: { value: number } };
      }>;
    };
    assert.deepEqual(stats.stats.map((s) => s.attributes.metadata.name).sort(), ['client', 'server'], 'the pod containers, in container stats too');
    assert.ok(stats.stats.every((s) => Number(s.memory.working_set_bytes.value) > 0));
    const privileged = container('root', ['true'], { linux: { security_context: { privileged: true } } });
    assert.equal(await code(cri.runtime.CreateContainer!(privileged)), GrpcStatus.INVALID_ARGUMENT, 'the pod did not ask for privileges');
  });

  it('docker sees the containers by their dockershim names: ps -a, logs, inspect; the pod cgroup holds them', async () => {
    const ps = await dockerOk(d, ['ps', '-a', '--format', '{{.Names}} {{.Label "io.kubernetes.pod.name"}}']);
    assert.match(ps, new RegExp(`^k8s_client_web_default_${suffix}_0 web$`, 'm'));
    assert.match(ps, new RegExp(`^k8s_server_web_default_${suffix}_0 web$`, 'm'));
    const logs = await d.docker(['logs', `k8s_client_web_default_${suffix}_0`]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /^hello from server$/m);
    assert.match(logs.stderr, /^to-stderr$/m);
    const exec = await dockerOk(d, ['exec', `k8s_server_web_default_${suffix}_0`, 'sh', '-c', 'cat /proc/1/comm; hostname']);
    assert.equal(exec, 'catatonit\nweb-pod\n', 'docker exec joins the pod');
    const pid = Number(await dockerOk(d, ['inspect', '-f', '{{.State.Pid}}', ids.client]));
    const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8');
    assert.match(cgroups, new RegExp(`:memory:${cgroupParent}/${ids.client}$`, 'm'));
  });

  it('a published host port reaches the pod; another pod cannot take it', async () => {
    const res = await fetch(`http://127.0.0.1:${hostPort}/`);
    assert.equal((await res.text()).trim(), 'hello from server');
    const other = { ...sandboxConfig, metadata: { name: 'web2', uid: `${suffix}-2`, namespace: 'default', attempt: 0 }, linux: null };
    assert.equal(await code(cri.runtime.RunPodSandbox!({ config: other })), GrpcStatus.FAILED_PRECONDITION);
    assert.deepEqual(
      ((await cri.runtime.ListPodSandbox!({})) as { items: Json[] }).items.map((i) => i.id),
      [sandboxId],
      'the failed run left no sandbox',
    );
    assert.deepEqual((await readdir(join(d.execRoot, 'cri'))).sort(), [sandboxId, 'netns'].sort(), 'nor its directory');
  });

  it("PortForward enters the pod's pinned network namespace", async () => {
    const r = (await cri.runtime.PortForward!({ pod_sandbox_id: sandboxId, port: [8080] })) as { url: string };
    const dial = await spdyDial(r.url, ['portforward.k8s.io']);
    if (!('session' in dial)) assert.fail(`upgrade refused: ${dial.status} ${dial.body}`);
    const error = await dial.session.openStream({ streamType: 'error', port: '8080', requestID: '0' });
    const data = await dial.session.openStream({ streamType: 'data', port: '8080', requestID: '0' });
    data.end('GET / HTTP/1.0\r\n\r\n');
    const [errText, body] = await Promise.all([readAll(error), readAll(data)]);
    dial.session.close();
    assert.equal(errText, '');
    assert.match(body, /hello from server\n$/);
  });

  it('UpdateContainerResources and ReopenContainerLog', async () => {
    await cri.runtime.UpdateContainerResources!({ container_id: ids.client, linux: { memory_limit_in_bytes: 64 * 1024 * 1024, cpu_shares: 512 } });
    const st = ((await cri.runtime.ContainerStatus!({ container_id: ids.client })) as { status: { resources: { linux: Json } } }).status;
    assert.equal(Number(st.resources.linux.memory_limit_in_bytes), 64 * 1024 * 1024);
    assert.equal(Number(st.resources.linux.cpu_shares), 512);
    const pid = Number(await dockerOk(d, ['inspect', '-f', '{{.State.Pid}}', ids.client]));
    assert.equal(
      (await readFile(`/sys/fs/cgroup/memory${cgroupParent}/${ids.client}/memory.limit_in_bytes`, 'utf8')).trim(),
      String(64 * 1024 * 1024),
      `pid ${pid}`,
    );
    // The kubelet's rotation: rename the file away, ask for a reopen, the output goes on in a new file.
    const logPath = join(logDir(), 'client/0.log');
    await rename(logPath, `${logPath}.20261207-1`);
    await cri.runtime.ReopenContainerLog!({ container_id: ids.client });
    await eventually('a new log file with new ticks', async () => /tick \d+/.test(await readFile(logPath, 'utf8').catch(() => '')), 10_000);
    assert.equal(await code(cri.runtime.ReopenContainerLog!({ container_id: 'f'.repeat(64) })), GrpcStatus.NOT_FOUND);
  });

  it('a berthd restart, and a kill -9, leave the running pod running and listed', async () => {
    await d.restart();
    await d.kill9();
    await d.restart();
    const again = criClient(join(d.execRoot, 'cri.sock'));
    try {
      const st = (await again.runtime.PodSandboxStatus!({ pod_sandbox_id: sandboxId })) as { status: SandboxStatus };
      assert.equal(st.status.state, 'SANDBOX_READY');
      const running = ((await again.runtime.ListContainers!({ filter: { state: { state: 'CONTAINER_RUNNING' } } })) as { containers: Json[] }).containers;
      assert.equal(running.length, 2);
      const res = await fetch(`http://127.0.0.1:${hostPort}/`);
      assert.equal((await res.text()).trim(), 'hello from server');
    } finally {
      again.close();
    }
    cri.close();
    cri = criClient(join(d.execRoot, 'cri.sock'));
  });

  it('StopContainer with a timeout; a second stop and an unknown container are success', async () => {
    await cri.runtime.StopContainer!({ container_id: ids.client, timeout: 5 });
    const st = ((await cri.runtime.ContainerStatus!({ container_id: ids.client })) as { status: ContainerStatus }).status;
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.equal(st.exit_code, 143, 'SIGTERM ended it (sh is not pid 1 in the pod)');
    assert.equal(st.reason, 'Error');
    assert.ok(Number(st.finished_at) >= Number(st.started_at));
    await cri.runtime.StopContainer!({ container_id: ids.client, timeout: 5 });
    await cri.runtime.StopContainer!({ container_id: 'f'.repeat(64), timeout: 0 });
    await cri.runtime.RemoveContainer!({ container_id: ids.client });
    await cri.runtime.RemoveContainer!({ container_id: ids.client });
    assert.equal(await code(cri.runtime.ContainerStatus!({ container_id: ids.client })), GrpcStatus.NOT_FOUND);
    assert.equal((await d.docker(['inspect', ids.client])).code, 1);
    assert.ok(await exists(join(logDir(), 'client/0.log')), "the kubelet's log file stays");
  });

  it('StopPodSandbox: not ready, its processes and network gone; again is success', async () => {
    const info = JSON.parse(
      ((await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: sandboxId, verbose: true })) as { info: Record<string, string> }).info.info!,
    ) as { netns: string; ipcns: string; infraPid: number };
    await cri.runtime.StopPodSandbox!({ pod_sandbox_id: sandboxId });
    const st = (await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: sandboxId })) as { status: SandboxStatus };
    assert.equal(st.status.state, 'SANDBOX_NOTREADY');
    assert.equal(st.status.network.ip, '');
    const server = ((await cri.runtime.ContainerStatus!({ container_id: ids.server })) as { status: ContainerStatus }).status;
    assert.equal(server.state, 'CONTAINER_EXITED');
    assert.equal(processAlive(info.infraPid), false);
    assert.equal(await exists(info.netns), false);
    assert.equal(await exists(info.ipcns), false);
    assert.deepEqual(await mountsUnder(join(d.execRoot, 'cri')), []);
    await assert.rejects(fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(2000) }));
    assert.equal(await code(cri.runtime.StartContainer!({ container_id: ids.server })), GrpcStatus.FAILED_PRECONDITION);
    assert.equal(await code(cri.runtime.PortForward!({ pod_sandbox_id: sandboxId, port: [8080] })), GrpcStatus.NOT_FOUND, 'no network namespace left');
    await cri.runtime.StopPodSandbox!({ pod_sandbox_id: sandboxId });
    await cri.runtime.StopPodSandbox!({ pod_sandbox_id: 'f'.repeat(64) });
  });

  it('RemovePodSandbox: its containers, cgroup and record go; again is success', async () => {
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: sandboxId });
    assert.equal(await code(cri.runtime.PodSandboxStatus!({ pod_sandbox_id: sandboxId })), GrpcStatus.NOT_FOUND);
    assert.deepEqual(((await cri.runtime.ListPodSandbox!({})) as { items: Json[] }).items, []);
    assert.deepEqual(((await cri.runtime.ListContainers!({})) as { containers: Json[] }).containers, []);
    assert.equal((await d.docker(['inspect', ids.server])).code, 1);
    assert.deepEqual(await cgroupsNamed(`berth-e2e-${suffix}`), [], 'the pod cgroup and the parents berth made go, in every hierarchy');
    assert.equal(await exists(join(d.execRoot, 'cri', sandboxId)), false);
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: sandboxId });
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: 'f'.repeat(64) });
  });

  it('a host-network pod: no namespaces of its own, no pause process; the host name', async () => {
    const r = await cri.runtime.RunPodSandbox!({
      config: {
        metadata: { name: 'hostnet', uid: `${suffix}-h`, namespace: 'default', attempt: 1 },
        log_directory: join(tmp, 'pods', 'hostnet'),
        linux: { cgroup_parent: `/berth-e2e-${suffix}-h`, security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'NODE' } } },
      },
    });
    const id = String(r.pod_sandbox_id);
    const st = (await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: id, verbose: true })) as { status: SandboxStatus; info: Record<string, string> };
    assert.equal(st.status.state, 'SANDBOX_READY');
    assert.equal(st.status.network.ip, '');
    const info = JSON.parse(st.info.info!) as { netns: string; infraPid: number };
    assert.deepEqual([info.netns, info.infraPid], ['', 0]);
    const c = await cri.runtime.CreateContainer!({
      pod_sandbox_id: id,
      config: {
        metadata: { name: 'probe', attempt: 0 },
        image: { image: 'busybox' },
        command: ['sh', '-c', 'hostname; echo pid1=$(cat /proc/1/comm)'],
        log_path: 'probe.log',
      },
    });
    await cri.runtime.StartContainer!({ container_id: c.container_id });
    const want = (await readFile('/proc/sys/kernel/hostname', 'utf8')).trim();
    const log = await eventually(
      'the probe to exit',
      async () => {
        const s = ((await cri.runtime.ContainerStatus!({ container_id: c.container_id })) as { status: ContainerStatus }).status;
        return s.state === 'CONTAINER_EXITED' ? readFile(join(tmp, 'pods', 'hostnet', 'probe.log'), 'utf8') : undefined;
      },
      20_000,
    );
    assert.match(log, new RegExp(` stdout F ${want}\\n`));
    assert.match(log, / stdout F pid1=sh\n/, 'its own PID namespace');
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
    assert.deepEqual(await cgroupsNamed(`berth-e2e-${suffix}-h`), []);
  });
  it('a pod whose pause process dies is not ready, its containers gone with its PID namespace', async () => {
    const r = await cri.runtime.RunPodSandbox!({
      config: {
        metadata: { name: 'fragile', uid: `${suffix}-f`, namespace: 'default', attempt: 0 },
        hostname: 'fragile',
        linux: { cgroup_parent: `/berth-e2e-${suffix}-f`, security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } },
      },
    });
    const id = String(r.pod_sandbox_id);
    const ip = ((await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: id })) as { status: SandboxStatus }).status.network.ip;
    assert.ok(ip.startsWith(nextCidr.split('.').slice(0, 3).join('.') + '.'), `${ip}: the pod CIDR given while the first pod ran`);
    const c = await cri.runtime.CreateContainer!({
      pod_sandbox_id: id,
      config: { metadata: { name: 'sleeper', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '1000'] },
    });
    await cri.runtime.StartContainer!({ container_id: c.container_id });
    const info = JSON.parse(((await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: id, verbose: true })) as { info: Record<string, string> }).info.info!) as {
      infraPid: number;
    };
    process.kill(info.infraPid, 'SIGKILL');
    await eventually('the pod to be reported not ready', async () => {
      const items = ((await cri.runtime.ListPodSandbox!({ filter: { id } })) as { items: Json[] }).items;
      return items[0]?.state === 'SANDBOX_NOTREADY';
    });
    const st = ((await cri.runtime.ContainerStatus!({ container_id: c.container_id })) as { status: ContainerStatus }).status;
    assert.equal(st.state, 'CONTAINER_EXITED');
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
    assert.deepEqual(await cgroupsNamed(`berth-e2e-${suffix}-f`), []);
  });
});
