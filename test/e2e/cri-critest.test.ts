import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { code, criClient, type Json } from './cri-client.js';
import { dockerOk, eventually, startDaemon, type Daemon } from './harness.js';
import { readDaemonNetwork } from './network-names.js';
import { readAll, spdyDial } from './spdy-client.js';
import { startRegistry, type TestRegistry } from './registry-util.js';
import type { SpdySession } from '../../src/lib/spdy/session.js';

/**
 * A port of the checks cri-tools' `critest` (pkg/validate) makes, on the same requests it sends:
 * its pod names and prefixes, attempt 2, `busybox:1.28` running `top`, its commands and log lines.
 * Each test is named after critest's `It(...)`. The image is the harness's busybox under critest's
 * name (critest pulls it from the internet; `ImageStatus` finding it present skips the pull).
 */
describe('critest (cri-tools pkg/validate), ported', () => {
  let d: Daemon;
  let cri: ReturnType<typeof criClient>;
  let tmp: string;
  const IMAGE = 'busybox:1.28';
  const uuid = (): string => randomUUID();
  const rt = (): Record<string, (req: Json) => Promise<Json>> => cri.runtime;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-critest-'));
    d = await startDaemon();
    cri = criClient(join(d.execRoot, 'cri.sock'));
    await dockerOk(d, ['tag', 'busybox', IMAGE]);
    // The kubelet's pod CIDR, as a kubelet sends it: a /24 of this test daemon's own pool.
    const pool = readDaemonNetwork(dirname(d.dataRoot))!.pool.split('.');
    await rt().UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: `${pool[0]}.${pool[1]}.${Number(pool[2]) + 13}.0/24` } } });
  });

  after(async () => {
    if (cri) {
      const left = (await rt().ListPodSandbox!({}).catch(() => ({ items: [] }))) as { items: Json[] };
      for (const s of left.items) await rt().RemovePodSandbox!({ pod_sandbox_id: s.id }).catch(() => undefined);
      cri.close();
    }
    await d?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  /** framework.RunDefaultPodSandbox / CreatePodSandboxForContainer, with common.GetCgroupParent's answer for cgroupfs (''). */
  const podConfig = (prefix: string, extra: Json = {}): Json => ({
    metadata: { name: prefix + uuid(), uid: 'cri-test-uid' + uuid(), namespace: 'cri-test-namespace' + uuid(), attempt: 2 },
    linux: { cgroup_parent: '' },
    labels: {},
    ...extra,
  });
  const runPod = async (config: Json): Promise<string> => String((await rt().RunPodSandbox!({ config, runtime_handler: '' })).pod_sandbox_id);
  const cleanupPod = async (id: string): Promise<void> => {
    await rt().StopPodSandbox!({ pod_sandbox_id: id });
    await rt().RemovePodSandbox!({ pod_sandbox_id: id });
  };
  /** framework.CreatePodSandboxForContainer before a group's tests; the pod goes after them. */
  const containerPod = (): { id: string; config: Json } => {
    const pod = { id: '', config: {} as Json };
    before(async () => {
      pod.config = podConfig('create-PodSandbox-for-container-');
      pod.id = await runPod(pod.config);
    });
    after(() => pod.id && cleanupPod(pod.id));
    return pod;
  };
  const podState = async (id: string): Promise<string> => String(((await rt().PodSandboxStatus!({ pod_sandbox_id: id })) as { status: Json }).status.state);
  const listPods = async (filter: Json): Promise<Json[]> => ((await rt().ListPodSandbox!({ filter })) as { items: Json[] }).items;

  /** framework.CreateContainer: ImageStatus first (a pull only when absent), then CreateContainer. */
  const createContainer = async (podId: string, pod: Json, config: Json): Promise<string> => {
    const st = (await cri.images.ImageStatus!({ image: { image: IMAGE } })) as { image: Json | null };
    assert.ok(st.image, 'the image critest uses is present');
    const r = await rt().CreateContainer!({ pod_sandbox_id: podId, config: { image: { image: IMAGE }, linux: {}, ...config }, sandbox_config: pod });
    return String(r.container_id);
  };
  const defaultContainer = (podId: string, pod: Json, prefix: string): Promise<string> =>
    createContainer(podId, pod, { metadata: { name: prefix + uuid(), attempt: 2 }, command: ['top'] });
  const status = async (id: string): Promise<Json> => ((await rt().ContainerStatus!({ container_id: id })) as { status: Json }).status;
  const waitState = (id: string, state: string): Promise<Json> =>
    eventually(
      `container ${id.slice(0, 12)} ${state}`,
      async () => {
        const st = await status(id);
        return st.state === state ? st : undefined;
      },
      60_000,
    );
  const listContainers = async (filter: Json): Promise<string[]> =>
    ((await rt().ListContainers!({ filter })) as { containers: Json[] }).containers.map((c) => String(c.id));
  const execSync = async (id: string, cmd: string[], timeout = 30): Promise<{ stdout: string; stderr: string; exit_code: number }> => {
    const r = (await rt().ExecSync!({ container_id: id, cmd, timeout })) as { stdout: Buffer; stderr: Buffer; exit_code: number };
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), exit_code: r.exit_code };
  };
  /** parseCRILog: `<RFC 3339 nano> <stream> <tag> <log>` per line. */
  const parseLog = async (path: string): Promise<Array<{ time: string; stream: string; log: string }>> =>
    (await readFile(path, 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [time, stream, , ...rest] = l.split(' ');
        assert.match(time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/, l);
        return { time: time!, stream: stream!, log: rest.join(' ') + '\n' };
      });

  /** createPodSandboxWithLogDirectory: a pod whose log directory is a fresh temp dir; its config. */
  const logPod = async (extra: Json = {}): Promise<{ id: string; config: Json; dir: string }> => {
    const name = 'PodSandbox-with-log-directory-' + uuid();
    const dir = join(await mkdtemp(join(tmp, 'podLogTest')), name);
    await mkdir(dir, { recursive: true, mode: 0o777 });
    const config = {
      ...podConfig('unused-'),
      metadata: { name, uid: 'cri-test-uid' + uuid(), namespace: 'cri-test-namespace' + uuid(), attempt: 2 },
      log_directory: dir,
      ...extra,
    };
    return { id: await runPod(config), config, dir };
  };
  /** A container run to its end in a log-directory pod; its parsed log. */
  const runToExit = async (pod: { id: string; config: Json; dir: string }, prefix: string, config: Json): Promise<Array<{ stream: string; log: string }>> => {
    const name = prefix + uuid();
    const id = await createContainer(pod.id, pod.config, { metadata: { name, attempt: 2 }, log_path: `${name}.log`, ...config });
    await rt().StartContainer!({ container_id: id });
    await waitState(id, 'CONTAINER_EXITED');
    return parseLog(join(pod.dir, `${name}.log`));
  };
  /** A running `sh -c top` container with this security context in a fresh pod (the pod is cleaned up by the caller). */
  const runningWith = async (pod: { id: string; config: Json }, prefix: string, securityContext: Json, command = ['sh', '-c', 'top']): Promise<string> => {
    const id = await createContainer(pod.id, pod.config, {
      metadata: { name: prefix + uuid(), attempt: 2 },
      command,
      linux: { security_context: securityContext },
    });
    await rt().StartContainer!({ container_id: id });
    await waitState(id, 'CONTAINER_RUNNING');
    return id;
  };

  /** createPodSandboxWithPortMapping (container port 80) and a web server in it (busybox httpd for critest's nginx), serving at the pod IP. */
  const webServerPod = async (prefix: string): Promise<{ podId: string; ip: string }> => {
    const config = podConfig('create-PodSandbox-with-port-mapping', { port_mappings: [{ container_port: 80 }] });
    const podId = await runPod(config);
    const id = await createContainer(podId, config, {
      metadata: { name: prefix + uuid(), attempt: 2 },
      command: ['sh', '-c', 'mkdir -p /www && echo welcome > /www/index.html && exec httpd -f -p 80 -h /www'],
    });
    await rt().StartContainer!({ container_id: id });
    const ip = String((((await rt().PodSandboxStatus!({ pod_sandbox_id: podId })) as { status: Json }).status.network as Json).ip);
    assert.ok(ip, 'The IP should not be nil.');
    await eventually(
      'the web server at the pod IP',
      () =>
        fetch(`http://${ip}:80/`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
    );
    return { podId, ip };
  };

  describe('Runtime info', () => {
    it('runtime should return version info [Conformance]', async () => {
      const v = await rt().Version!({ version: '0.1.0' });
      for (const k of ['version', 'runtime_name', 'runtime_version', 'runtime_api_version']) assert.ok(v[k], k);
    });
    it('runtime should return runtime conditions [Conformance]', async () => {
      const s = (await rt().Status!({ verbose: false })) as { status: { conditions: Json[] } };
      const ready = s.status.conditions.filter((c) => (c.type === 'RuntimeReady' || c.type === 'NetworkReady') && c.status === true);
      assert.equal(ready.length, 2, JSON.stringify(s));
    });
  });

  describe('Idempotence', () => {
    it('StopPodSandbox should not return an error if not found', async () => {
      await rt().StopPodSandbox!({ pod_sandbox_id: uuid() });
    });
    it('StopPodSandbox should not return an error if already stopped', async () => {
      const id = await runPod(podConfig('idempotence-pod-'));
      await rt().StopPodSandbox!({ pod_sandbox_id: id });
      assert.equal(await podState(id), 'SANDBOX_NOTREADY');
      await rt().StopPodSandbox!({ pod_sandbox_id: id });
      assert.equal(await podState(id), 'SANDBOX_NOTREADY');
      await rt().RemovePodSandbox!({ pod_sandbox_id: id });
    });
    it('RemovePodSandbox should not return an error if not found', async () => {
      await rt().RemovePodSandbox!({ pod_sandbox_id: uuid() });
    });
    it('StopContainer should not return an error if not found', async () => {
      await rt().StopContainer!({ container_id: uuid(), timeout: 0 });
    });
    it('StopContainer should not return an error if already stopped', async () => {
      const pod = podConfig('create-PodSandbox-for-container-');
      const podId = await runPod(pod);
      const id = await defaultContainer(podId, pod, 'idempotence-container-');
      await rt().StartContainer!({ container_id: id });
      await rt().StopContainer!({ container_id: id, timeout: 60 });
      await waitState(id, 'CONTAINER_EXITED');
      await rt().StopContainer!({ container_id: id, timeout: 60 });
      await rt().RemoveContainer!({ container_id: id });
      await rt().RemoveContainer!({ container_id: id });
      await cleanupPod(podId);
    });
    it('RemoveContainer should not return an error if not found', async () => {
      await rt().RemoveContainer!({ container_id: uuid() });
    });
    it('RemoveImage should not return an error if not found', async () => {
      const fake = '0'.repeat(64);
      await cri.images.RemoveImage!({ image: { image: fake } });
      await cri.images.RemoveImage!({ image: { image: fake } });
    });
  });

  describe('PodSandbox: runtime should support basic operations on PodSandbox', () => {
    it('runtime should support running PodSandbox [Conformance]', async () => {
      const id = await runPod(podConfig('PodSandbox-for-create-test-'));
      assert.equal(await podState(id), 'SANDBOX_READY');
      assert.deepEqual(
        (await listPods({ id })).map((p) => p.id),
        [id],
      );
      await cleanupPod(id);
    });
    it('runtime should support stopping PodSandbox [Conformance]', async () => {
      const id = await runPod(podConfig('PodSandbox-for-test-stop-'));
      await rt().StopPodSandbox!({ pod_sandbox_id: id });
      assert.equal(await podState(id), 'SANDBOX_NOTREADY');
      await cleanupPod(id);
    });
    it('runtime should support removing PodSandbox [Conformance]', async () => {
      const id = await runPod(podConfig('PodSandbox-for-test-remove-'));
      await rt().StopPodSandbox!({ pod_sandbox_id: id });
      await rt().RemovePodSandbox!({ pod_sandbox_id: id });
      assert.deepEqual(await listPods({ id }), []);
    });
    it('runtime should support preserving PodSandbox attributes [Conformance]', async () => {
      const name = 'PodSandbox-with-attributes-' + uuid();
      const metadata = { name, uid: 'cri-test-uid' + uuid(), namespace: 'cri-test-namespace' + uuid(), attempt: 2 };
      const labels = { foo: 'bar', 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': metadata.namespace, 'io.kubernetes.pod.uid': metadata.uid };
      const annotations = { abc: 'def' };
      const id = await runPod({ metadata, labels, annotations, linux: { cgroup_parent: '' } });
      const st = ((await rt().PodSandboxStatus!({ pod_sandbox_id: id })) as { status: Json }).status;
      const [listed] = await listPods({ id });
      for (const p of [st, listed!]) {
        assert.deepEqual(p.metadata, metadata);
        assert.deepEqual({ ...(p.labels as Json), ...labels }, p.labels, 'labels are a superset');
        assert.deepEqual({ ...(p.annotations as Json), ...annotations }, p.annotations, 'annotations are a superset');
      }
      await cleanupPod(id);
    });
    it('runtime should return an error (NOT_FOUND) for PodSandboxStatus of an unknown sandbox', async () => {
      assert.equal(await code(rt().PodSandboxStatus!({ pod_sandbox_id: uuid() })), GrpcStatus.NOT_FOUND);
    });
  });

  describe('Container: runtime should support basic operations on container', () => {
    const pod = containerPod();

    it('runtime should support creating container [Conformance]', async () => {
      const id = await defaultContainer(pod.id, pod.config, 'container-for-create-');
      assert.deepEqual(await listContainers({ id }), [id]);
      assert.equal((await status(id)).state, 'CONTAINER_CREATED');
    });
    it('runtime should support starting container [Conformance]', async () => {
      const id = await defaultContainer(pod.id, pod.config, 'container-for-start-test-');
      await rt().StartContainer!({ container_id: id });
      await waitState(id, 'CONTAINER_RUNNING');
    });
    it('runtime should support stopping container [Conformance]', async () => {
      const id = await defaultContainer(pod.id, pod.config, 'container-for-stop-test-');
      await rt().StartContainer!({ container_id: id });
      await rt().StopContainer!({ container_id: id, timeout: 60 });
      const st = await waitState(id, 'CONTAINER_EXITED');
      assert.ok(Number(st.finished_at) >= Number(st.started_at) && Number(st.started_at) >= Number(st.created_at), JSON.stringify(st));
    });
    it('runtime should support removing container [Conformance]', async () => {
      const id = await defaultContainer(pod.id, pod.config, 'container-for-remove-test-');
      await rt().RemoveContainer!({ container_id: id });
      assert.deepEqual(await listContainers({ id }), []);
    });
    // critest's CreatePauseContainer runs registry.k8s.io/pause; the default container stands in for it.
    for (const stage of ['created', 'running', 'stopped']) {
      it(`runtime should support removing ${stage} container [Conformance]`, async () => {
        const id = await defaultContainer(pod.id, pod.config, `container-for-remove-${stage}-test-`);
        if (stage !== 'created') await rt().StartContainer!({ container_id: id });
        if (stage === 'stopped') {
          await rt().StopContainer!({ container_id: id, timeout: 60 });
          await waitState(id, 'CONTAINER_EXITED');
        }
        await rt().RemoveContainer!({ container_id: id });
        assert.deepEqual(await listContainers({ id }), []);
      });
    }
    it('runtime should support execSync [Conformance]', async () => {
      const id = await defaultContainer(pod.id, pod.config, 'container-for-execSync-test-');
      await rt().StartContainer!({ container_id: id });
      const r = await execSync(id, ['echo', '-n', 'hello']);
      assert.deepEqual(r, { stdout: 'hello', stderr: '', exit_code: 0 });
    });
    it('runtime should support execSync with timeout [Conformance]', async () => {
      const id = await defaultContainer(pod.id, pod.config, 'container-for-execSync-timeout-test-');
      await rt().StartContainer!({ container_id: id });
      assert.notEqual(await code(execSync(id, ['sleep', '4321'], 1)), GrpcStatus.OK, 'execSync should timeout');
      // critest runs `pgrep sleep || true`; this busybox has no pgrep applet, pidof asks the same.
      const r = await execSync(id, ['sh', '-c', 'pidof sleep || true']);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout.trim(), '', 'the timed-out exec process is gone');
    });
  });

  describe('Container: runtime should support container stats', () => {
    const pod = containerPod();
    const started = async (prefix: string, labels: Json = {}): Promise<string> => {
      const id = await createContainer(pod.id, pod.config, { metadata: { name: prefix + uuid(), attempt: 2 }, command: ['top'], labels });
      await rt().StartContainer!({ container_id: id });
      return id;
    };
    const statIds = async (filter: Json | null): Promise<string[]> =>
      ((await rt().ListContainerStats!({ filter })) as { stats: Array<{ attributes: Json }> }).stats.map((s) => String(s.attributes.id));

    it('runtime should support listing container stats [Conformance]', async () => {
      const id = await started('container-for-stats-');
      const { stats } = (await rt().ContainerStats!({ container_id: id })) as { stats: { attributes: Json; cpu: Json; memory: Json } };
      assert.equal(stats.attributes.id, id);
      assert.match(String((stats.attributes.metadata as Json).name), /container-for-stats-/);
      assert.notEqual(Number(stats.cpu.timestamp), 0);
      assert.notEqual(Number(stats.memory.timestamp), 0);
    });
    it('runtime should support listing stats for started containers [Conformance]', async () => {
      const id = await started('container-for-stats-');
      assert.ok((await statIds({ id })).includes(id));
    });
    it('runtime should support listing stats for started containers when filter is nil [Conformance]', async () => {
      const id = await started('container-for-stats-with-nil-filter-');
      assert.ok((await statIds(null)).includes(id));
    });
    it('runtime should support listing stats for three created containers when filter is nil. [Conformance]', async () => {
      const ids = [
        await started('container-for-stats-with-nil-filter-'),
        await started('container-for-stats-with-nil-filter-'),
        await started('container-for-stats-with-nil-filter-'),
      ];
      const listed = await statIds(null);
      for (const id of ids) assert.ok(listed.includes(id), 'Stats should be found');
    });
    it('runtime should support listing stats for containers filtered by labels [Conformance]', async () => {
      const id = await started('container-for-stats-with-labels-', { foo: 'bar' });
      assert.ok((await statIds({ label_selector: { foo: 'bar' } })).includes(id), 'Container should be found');
      assert.ok(!(await statIds({ label_selector: { foo: 'baz' } })).includes(id), 'Container should be filtered');
    });
  });

  describe('Container: runtime should support adding volume and device', () => {
    const pod = containerPod();

    const volumeContainer = async (prefix: string, hostPath: string): Promise<string> =>
      createContainer(pod.id, pod.config, {
        metadata: { name: prefix + uuid(), attempt: 2 },
        command: ['sh', '-c', 'top'],
        mounts: [{ host_path: hostPath, container_path: hostPath, selinux_relabel: true }],
      });

    it('runtime should support starting container with volume [Conformance]', async () => {
      const hostPath = await mkdtemp(join(tmp, 'test'));
      await writeFile(join(hostPath, 'testVolume.file'), '');
      const id = await volumeContainer('container-with-volume-test-', hostPath);
      await rt().StartContainer!({ container_id: id });
      await waitState(id, 'CONTAINER_RUNNING');
      const r = await execSync(id, ['ls', '-A', hostPath]);
      assert.equal(r.stdout, 'testVolume.file\n');
      assert.equal(r.stderr, '');
    });
    it('runtime should support starting container with volume when host path is a symlink [Conformance]', async () => {
      const hostPath = await mkdtemp(join(tmp, 'test'));
      await writeFile(join(hostPath, 'testVolume.file'), '');
      const link = hostPath + '-symlink';
      await symlink(hostPath, link);
      const id = await volumeContainer('container-with-symlink-host-path-test-', link);
      await rt().StartContainer!({ container_id: id });
      await waitState(id, 'CONTAINER_RUNNING');
      assert.equal((await execSync(id, ['ls', '-A', link])).stdout, 'testVolume.file\n');
    });
  });

  describe('Container: runtime should support log', () => {
    let podId = '';
    let pod: Json;
    let logDir = '';
    before(async () => {
      const p = await logPod();
      [podId, pod, logDir] = [p.id, p.config, p.dir];
    });
    after(() => podId && cleanupPod(podId));

    it('runtime should support starting container with log [Conformance]', async () => {
      const name = 'container-with-log-test-' + uuid();
      const id = await createContainer(podId, pod, { metadata: { name, attempt: 2 }, command: ['echo', 'hello World'], log_path: `${name}.log` });
      await rt().StartContainer!({ container_id: id });
      const st = await waitState(id, 'CONTAINER_EXITED');
      assert.equal(st.exit_code, 0);
      assert.equal(st.reason, 'Completed');
      assert.equal(st.log_path, join(logDir, `${name}.log`));
      const msgs = await parseLog(join(logDir, `${name}.log`));
      assert.ok(
        msgs.some((m) => m.log === 'hello World\n' && m.stream === 'stdout'),
        JSON.stringify(msgs),
      );
    });
    it('runtime should support reopening container log [Conformance]', async () => {
      const name = 'container-reopen-log-test-' + uuid();
      const logPath = join(logDir, `${name}.log`);
      const id = await createContainer(podId, pod, {
        metadata: { name, attempt: 2 },
        command: ['sh', '-c', 'while true; do echo hello World; sleep 1; done'],
        log_path: `${name}.log`,
      });
      await rt().StartContainer!({ container_id: id });
      await eventually('container log should be generated', async () => (await parseLog(logPath)).length > 0, 60_000);
      await rename(logPath, `${logPath}.new`);
      await rt().ReopenContainerLog!({ container_id: id });
      assert.ok((await stat(logPath)).isFile(), 'new container log file should be created');
      await eventually('new container log should be generated', async () => (await parseLog(logPath)).length > 0, 60_000);
      const old = (await parseLog(`${logPath}.new`)).length;
      const now = (await parseLog(logPath)).length;
      await eventually('the new log to grow', async () => (await parseLog(logPath)).length >= now + 2, 60_000);
      assert.equal((await parseLog(`${logPath}.new`)).length, old, 'old container log should not change');
    });
    it('(berth) ReopenContainerLog with the log directory gone and the file renamed away is FAILED_PRECONDITION, not UNKNOWN', async () => {
      const name = 'container-reopen-log-gone-' + uuid();
      const id = await createContainer(podId, pod, {
        metadata: { name, attempt: 2 },
        command: ['sh', '-c', 'while true; do echo hello World; sleep 1; done'],
        log_path: `sub/${name}.log`,
      });
      await rt().StartContainer!({ container_id: id });
      await eventually('container log should be generated', async () => (await parseLog(join(logDir, `sub/${name}.log`))).length > 0, 60_000);
      await rename(join(logDir, 'sub'), join(logDir, 'sub.old'));
      assert.equal(await code(rt().ReopenContainerLog!({ container_id: id })), GrpcStatus.FAILED_PRECONDITION);
      await rt().StopContainer!({ container_id: id, timeout: 0 });
      const st = ((await rt().ContainerStatus!({ container_id: id })) as { status: { exit_code: number } }).status;
      assert.equal(st.exit_code, 137, 'timeout 0: SIGKILL alone, as containerd');
    });
  });
  describe('Networking: runtime should support networking', () => {
    it('runtime should support DNS config [Conformance]', async () => {
      const pod = podConfig('create-PodSandbox-with-DNS-config', { dns_config: { servers: ['10.10.10.10'], searches: ['google.com'], options: ['ndots:8'] } });
      const podId = await runPod(pod);
      const id = await defaultContainer(podId, pod, 'container-for-DNS-config-test-');
      await rt().StartContainer!({ container_id: id });
      const r = await execSync(id, ['cat', '/etc/resolv.conf']);
      for (const line of ['nameserver 10.10.10.10', 'search google.com', 'options ndots:8']) assert.ok(r.stdout.includes(line), r.stdout);
      assert.equal(r.stderr, '');
      await cleanupPod(podId);
    });
    it('runtime should support set hostname [Conformance]', async () => {
      const pod = podConfig('create-PodSandbox-for-hostname-', { hostname: 'test-hostname' });
      const podId = await runPod(pod);
      const id = await defaultContainer(podId, pod, 'container-for-hostname-test-');
      await rt().StartContainer!({ container_id: id });
      assert.equal((await execSync(id, ['hostname'])).stdout, 'test-hostname\n');
      await cleanupPod(podId);
    });
    it('runtime should support port mapping with only container port [Conformance]', async () => {
      const web = await webServerPod('container-for-container-port');
      assert.equal(await (await fetch(`http://${web.ip}:80/`)).text(), 'welcome\n');
      await cleanupPod(web.podId);
    });
  });

  describe('Security Context', () => {
    const pods: string[] = [];
    after(async () => {
      for (const id of pods) await cleanupPod(id);
    });
    const freshPod = async (prefix = 'create-PodSandbox-for-container-', extra: Json = {}): Promise<{ id: string; config: Json }> => {
      const config = podConfig(prefix, extra);
      const id = await runPod(config);
      pods.push(id);
      return { id, config };
    };
    const freshLogPod = async (): Promise<{ id: string; config: Json; dir: string }> => {
      const p = await logPod();
      pods.push(p.id);
      return p;
    };
    const nsPod = (ns: Json): Promise<{ id: string; config: Json }> =>
      freshPod('NamespaceOption-PodSandbox-', { dns_config: {}, linux: { cgroup_parent: '', security_context: { namespace_options: ns } } });

    it('runtime should support HostPID', async () => {
      const ns = { pid: 'NODE', ipc: 'POD', network: 'POD' };
      const pod = await nsPod(ns);
      const id = await runningWith(pod, 'container-with-HostPID-test-', { namespace_options: ns }, ['sh', '-c', 'sleep 1000']);
      // critest looks for its nginx container's pid; the host's pid 1 and this test's own process are as telling.
      assert.ok((await execSync(id, ['sh', '-c', `test -d /proc/${process.pid} && echo seen`])).stdout === 'seen\n', 'host processes are visible');
    });
    for (const mode of ['NODE', 'POD']) {
      it(`runtime should support HostIpc is ${mode === 'NODE'}`, async () => {
        const out = execFileSync('ipcmk', ['-M', '1048576']).toString();
        const segment = out.trim().replace(/^Shared memory id: /, '');
        try {
          const ns = { pid: 'POD', ipc: mode, network: 'POD' };
          const pod = await nsPod(ns);
          const id = await runningWith(pod, 'namespace-container-', { namespace_options: ns });
          // critest runs `ipcs -m`; this busybox has no ipcs applet, /proc/sysvipc/shm is what it reads.
          const ids = (await execSync(id, ['cat', '/proc/sysvipc/shm'])).stdout
            .split('\n')
            .slice(1)
            .map((l) => l.trim().split(/\s+/)[1]);
          assert.equal(ids.includes(segment), mode === 'NODE', `${segment} in ${ids.join(',')}`);
        } finally {
          execFileSync('ipcrm', ['-m', segment]);
        }
      });
    }
    it('runtime should support PodPID', async () => {
      const pod = await nsPod({ pid: 'POD' });
      const id = await runningWith(pod, 'container-process-namespace-', { namespace_options: { pid: 'POD' } }, ['sh', '-c', 'sleep 1000']);
      assert.doesNotMatch((await execSync(id, ['cat', '/proc/1/cmdline'])).stdout, /sleep/, "pid 1 is the pod's, not the container's");
    });
    it('runtime should support ContainerPID', async () => {
      const pod = await nsPod({ pid: 'CONTAINER' });
      const id = await runningWith(pod, 'container-pid-', { namespace_options: { pid: 'CONTAINER' } }, ['sh', '-c', 'sleep 1000']);
      assert.match((await execSync(id, ['cat', '/proc/1/cmdline'])).stdout, /sleep/);
    });
    for (const hostNetwork of [true, false]) {
      it(`runtime should support HostNetwork is ${hostNetwork}`, async () => {
        const srv = createServer((c) => c.end('hello'));
        await new Promise<void>((r) => srv.listen(0, r));
        const port = (srv.address() as AddressInfo).port;
        try {
          const ns = { pid: 'POD', ipc: 'POD', network: hostNetwork ? 'NODE' : 'POD' };
          const p = await logPod({ dns_config: {}, linux: { cgroup_parent: '', security_context: { namespace_options: ns } } });
          pods.push(p.id);
          const msgs = await runToExit(p, 'container-with-HostNetwork-test-', {
            command: ['sh', '-c', 'netstat -ln'],
            linux: { security_context: { namespace_options: ns } },
          });
          assert.equal(
            msgs.some((m) => m.log.includes(`:${port} `)),
            hostNetwork,
            JSON.stringify(msgs),
          );
        } finally {
          srv.close();
        }
      });
    }
    it('runtime should support SupplementalGroups', async () => {
      const id = await runningWith(await freshPod(), 'container-with-SupplementalGroups-test-', { supplemental_groups: [1234, 5678] });
      const groups = (await execSync(id, ['id', '-G'])).stdout.trim().split(' ');
      assert.ok(groups.includes('1234') && groups.includes('5678'), groups.join(' '));
      // ContainerStatus.user (the kubelet's pod status shows it): the groups the process got.
      const user = (await status(id)).user as { linux: { supplemental_groups: Array<string | number> } };
      for (const g of [1234, 5678]) assert.ok(user.linux.supplemental_groups.map(Number).includes(g), JSON.stringify(user));
    });
    it('runtime should support RunAsUser', async () => {
      const id = await runningWith(await freshPod(), 'container-with-RunAsUser-test-', { run_as_user: { value: 1001 } });
      assert.deepEqual(await execSync(id, ['id', '-u']), { stdout: '1001\n', stderr: '', exit_code: 0 });
      const user = (await status(id)).user as { linux: { uid: string | number } };
      assert.equal(Number(user.linux.uid), 1001, JSON.stringify(user));
    });
    it('runtime should support RunAsUserName', async () => {
      const id = await runningWith(await freshPod(), 'container-with-RunAsUserName-test-', { run_as_username: 'nobody' });
      assert.deepEqual(await execSync(id, ['id', '-nu']), { stdout: 'nobody\n', stderr: '', exit_code: 0 });
    });
    it('runtime should support RunAsGroup', async () => {
      const msgs = await runToExit(await freshLogPod(), 'container-with-RunAsGroup-test-', {
        command: ['sh', '-c', 'echo $(id -u):$(id -g)'],
        linux: { security_context: { run_as_user: { value: 1001 }, run_as_group: { value: 1002 } } },
      });
      assert.ok(
        msgs.some((m) => m.stream === 'stdout' && m.log === '1001:1002\n'),
        JSON.stringify(msgs),
      );
    });
    it('runtime should return error if RunAsGroup is set without RunAsUser', async () => {
      const pod = await freshPod();
      const req = {
        metadata: { name: 'container-with-RunAsGroup-without-RunAsUser-test-' + uuid(), attempt: 2 },
        command: ['sh', '-c', 'echo $(id -u):$(id -g)'],
      };
      assert.notEqual(
        await code(createContainer(pod.id, pod.config, { ...req, linux: { security_context: { run_as_group: { value: 1002 } } } })),
        GrpcStatus.OK,
      );
    });
    for (const readonly of [false, true]) {
      it(`runtime should support that ReadOnlyRootfs is ${readonly}`, async () => {
        const msgs = await runToExit(await freshLogPod(), `container-with-ReadOnlyRootfs-${readonly}-test-`, {
          command: ['sh', '-c', "touch test.go && [ -f test.go ] && echo 'Found'"],
          linux: { security_context: { readonly_rootfs: readonly } },
        });
        const want = readonly ? { stream: 'stderr', log: 'touch: test.go: Read-only file system\n' } : { stream: 'stdout', log: 'Found\n' };
        assert.ok(
          msgs.some((m) => m.stream === want.stream && m.log === want.log),
          JSON.stringify(msgs),
        );
      });
    }
    for (const privileged of [true, false]) {
      it(`runtime should support Privileged is ${privileged}`, async () => {
        const pod = await freshPod('create-Privileged-PodSandbox-for-container-', { linux: { cgroup_parent: '', security_context: { privileged } } });
        const id = await runningWith(pod, 'container-with-isPrivileged-test-', { privileged });
        // The Go client's ExecSync fails on a non-zero exit code: critest's "error" is that.
        assert.equal((await execSync(id, ['brctl', 'addbr', 'foobar'])).exit_code === 0, privileged);
      });
    }
    it('runtime should support adding capability', async () => {
      const pod = await freshPod();
      const withCap = await runningWith(pod, 'container-with-added-capability-test-', { capabilities: { add_capabilities: ['NET_ADMIN'] } });
      assert.equal((await execSync(withCap, ['brctl', 'addbr', 'foobar'])).exit_code, 0);
      const without = await defaultContainer(pod.id, pod.config, 'container-with-notCapability-test-');
      await rt().StartContainer!({ container_id: without });
      await waitState(without, 'CONTAINER_RUNNING');
      assert.notEqual((await execSync(without, ['brctl', 'addbr', 'foobar'])).exit_code, 0);
    });
    it('runtime should support dropping capability', async () => {
      const id = await runningWith(await freshPod(), 'container-with-dropped-capability-test-', { capabilities: { drop_capabilities: ['NET_RAW'] } });
      const r = await execSync(id, ['ping', '-c', '1', '127.0.0.1']);
      assert.notEqual(r.exit_code, 0);
      assert.match(r.stderr, /permission denied/i);
    });
    it('runtime should support adding ALL capabilities', async () => {
      const id = await runningWith(await freshPod(), 'container-with-added-all-capability-test-', { capabilities: { add_capabilities: ['ALL'] } });
      assert.doesNotMatch((await execSync(id, ['cat', '/proc/self/status'])).stdout, /CapBnd:\s0000000000000000/);
    });
    it('runtime should support dropping ALL capabilities', async () => {
      const id = await runningWith(await freshPod(), 'container-with-dropped-all-capability-test-', { capabilities: { drop_capabilities: ['ALL'] } });
      assert.match((await execSync(id, ['cat', '/proc/self/status'])).stdout, /CapBnd:\s0000000000000000/);
    });
    it('runtime should support MaskedPaths', async () => {
      const id = await runningWith(await freshPod(), 'container-with-maskedpaths', { masked_paths: ['/bin/ls'] });
      // critest runs `ls`; Debian's busybox-static runs applets in-process whatever /bin/ls is, so the path is named.
      const r = await execSync(id, ['/bin/sh', '-c', '/bin/ls']);
      assert.notEqual(r.exit_code, 0);
      assert.equal(r.stderr, '/bin/sh: /bin/ls: Permission denied\n');
    });
    it('runtime should support ReadonlyPaths', async () => {
      const id = await runningWith(await freshPod(), 'container-with-readonlypaths', { readonly_paths: ['/tmp'] });
      const r = await execSync(id, ['touch', '/tmp/test']);
      assert.notEqual(r.exit_code, 0);
      assert.equal(r.stderr, 'touch: /tmp/test: Read-only file system\n');
    });

    describe('SeccompProfilePath', () => {
      let blockHostname = '';
      let blockChmod = '';
      before(async () => {
        const dir = await mkdtemp(join(tmp, 'seccomp-tests'));
        const deny = (names: string[]): string => JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names, action: 'SCMP_ACT_ERRNO' }] });
        blockHostname = join(dir, 'block-host-name.json');
        blockChmod = join(dir, 'block-chmod.json');
        await writeFile(blockHostname, deny(['sethostname']));
        await writeFile(blockChmod, deny(['chmod', 'fchmodat']));
      });
      /** seccompTestContainer: the profile on the pod and on its container. */
      const seccompContainer = async (profile: Json | null): Promise<string> => {
        const pod = await freshPod('seccomp-sandbox-', { linux: { cgroup_parent: '', security_context: { seccomp: profile } } });
        return runningWith(pod, 'seccomp-container-', { seccomp: profile });
      };
      const seccompField = async (id: string): Promise<string> => (await execSync(id, ['grep', 'Seccomp:', '/proc/self/status'])).stdout;

      it('should support seccomp unconfined on the container', async () => {
        assert.match(await seccompField(await seccompContainer({ profile_type: 'Unconfined' })), /Seccomp:\s+0/);
      });
      it('should support seccomp localhost profile on the container', async () => {
        const r = await execSync(await seccompContainer({ profile_type: 'Localhost', localhost_ref: blockChmod }), ['chmod', '400', '/']);
        assert.notEqual(r.exit_code, 0);
        assert.match(r.stderr, /Operation not permitted/);
      });
      it('should support seccomp default on the container', async () => {
        assert.match(await seccompField(await seccompContainer({})), /Seccomp:\s+2/);
      });
      it('should support nil profile, which is unconfined', async () => {
        assert.match(await seccompField(await seccompContainer(null)), /Seccomp:\s+0/);
      });
      const hostnameContainer = async (pod: { id: string; config: Json }, sc: Json): Promise<string> =>
        runningWith(pod, 'container-with-block-hostname-seccomp-profile-test-', sc, ['sleep', '60']);
      it('runtime should not block setting host name with unconfined seccomp and SYS_ADMIN', async () => {
        const id = await hostnameContainer(await freshPod(), { capabilities: { add_capabilities: ['SYS_ADMIN'] }, seccomp: { profile_type: 'Unconfined' } });
        assert.equal((await execSync(id, ['hostname', 'ANewHostName'])).exit_code, 0);
      });
      it('runtime should support an seccomp profile that blocks setting hostname with SYS_ADMIN', async () => {
        const sc = { capabilities: { add_capabilities: ['SYS_ADMIN'] }, seccomp: { profile_type: 'Localhost', localhost_ref: blockHostname } };
        assert.notEqual((await execSync(await hostnameContainer(await freshPod(), sc), ['hostname', 'ANewHostName'])).exit_code, 0);
      });
      it('runtime should ignore a seccomp profile that blocks setting hostname when privileged', async () => {
        const pod = await freshPod('create-Privileged-PodSandbox-for-container-', { linux: { cgroup_parent: '', security_context: { privileged: true } } });
        const sc = { privileged: true, seccomp: { profile_type: 'Localhost', localhost_ref: blockHostname } };
        assert.equal((await execSync(await hostnameContainer(pod, sc), ['hostname', 'ANewHostName'])).exit_code, 0);
      });
    });
  });
  describe('AppArmor (critest runs it only where the host enforces AppArmor)', () => {
    const enforced = existsSync('/sys/kernel/security/apparmor');
    it(
      'a Localhost profile on a host without AppArmor: CreateContainer fails (containerd: "apparmor is not supported"); RuntimeDefault and Unconfined run',
      { skip: enforced && 'this host enforces AppArmor' },
      async () => {
        const pod = podConfig('create-PodSandbox-for-container-');
        const podId = await runPod(pod);
        const apparmor = (profile: Json): Json => ({
          metadata: { name: 'apparmor-test-' + uuid(), attempt: 2 },
          command: ['touch', 'foo'],
          linux: { security_context: { apparmor: profile } },
        });
        const refused = createContainer(podId, pod, apparmor({ profile_type: 'Localhost', localhost_ref: 'localhost/non-existent-profile' }));
        await assert.rejects(refused, { code: GrpcStatus.INVALID_ARGUMENT, details: 'apparmor is not supported' });
        for (const profile of [{ profile_type: 'RuntimeDefault' }, { profile_type: 'Unconfined' }]) {
          const id = await createContainer(podId, pod, apparmor(profile));
          await rt().StartContainer!({ container_id: id });
          assert.equal((await waitState(id, 'CONTAINER_EXITED')).exit_code, 0, JSON.stringify(profile));
        }
        await cleanupPod(podId);
      },
    );
  });
  describe('Streaming: runtime should support streaming interfaces (SPDY, as the Go client)', () => {
    const V4 = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
    const dial = async (url: string, protocols = V4): Promise<SpdySession> => {
      assert.ok(new URL(url).host, 'The host of URL should not be empty');
      const r = await spdyDial(url, protocols);
      if (!('session' in r)) assert.fail(`upgrade refused: ${r.status} ${r.body}`);
      return r.session;
    };
    const runningPod = async (): Promise<{ id: string; config: Json; container: string }> => {
      const config = podConfig('create-PodSandbox-for-container-');
      const id = await runPod(config);
      const container = await defaultContainer(id, config, 'container-for-exec-test');
      await rt().StartContainer!({ container_id: container });
      return { id, config, container };
    };

    it('runtime should support exec with tty=false and stdin=false [Conformance]', async () => {
      const pod = await runningPod();
      const { url } = (await rt().Exec!({ container_id: pod.container, cmd: ['echo', '-n', 'hello'], stdout: true, stderr: true })) as { url: string };
      const s = await dial(url);
      const error = await s.openStream({ streamType: 'error' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      const stderr = await s.openStream({ streamType: 'stderr' });
      const [status, out, err] = await Promise.all([readAll(error), readAll(stdout), readAll(stderr)]);
      assert.equal(out, 'hello');
      assert.equal(err, '');
      assert.equal(JSON.parse(status).status, 'Success');
      await cleanupPod(pod.id);
    });
    it('runtime should support exec with tty=true and stdin=true [Conformance]', async () => {
      const pod = await runningPod();
      const { url } = (await rt().Exec!({ container_id: pod.container, cmd: ['echo', '-n', 'hello'], stdout: true, tty: true, stdin: true })) as {
        url: string;
      };
      const s = await dial(url);
      const error = await s.openStream({ streamType: 'error' });
      await s.openStream({ streamType: 'stdin' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      await s.openStream({ streamType: 'resize' }); // client-go's v3+ opens one with every TTY
      const [status, out] = await Promise.all([readAll(error), readAll(stdout)]);
      assert.ok(out.includes('hello'), out);
      assert.equal(JSON.parse(status).status, 'Success');
      await cleanupPod(pod.id);
    });
    it('runtime should support attach [Conformance]', async () => {
      const config = podConfig('create-PodSandbox-for-container-');
      const podId = await runPod(config);
      const id = await createContainer(podId, config, {
        metadata: { name: 'container-for-attach-test' + uuid(), attempt: 2 },
        command: ['/bin/sh'],
        stdin: true,
        stdin_once: true,
        tty: false,
      });
      await rt().StartContainer!({ container_id: id });
      const { url } = (await rt().Attach!({ container_id: id, stdin: true, stdout: true, stderr: true, tty: false })) as { url: string };
      const s = await dial(url);
      const error = await s.openStream({ streamType: 'error' });
      const stdin = await s.openStream({ streamType: 'stdin' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      const stderr = await s.openStream({ streamType: 'stderr' });
      let out = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stdin.write('echo -n hello\n');
      await eventually('The stdout of attach should be hello', async () => out === 'hello', 60_000);
      stdin.end();
      const [status, err] = await Promise.all([readAll(error), readAll(stderr)]);
      assert.equal(out, 'hello', 'The stdout of attach should not contain other things');
      assert.equal(err, '', 'The stderr of attach should be empty');
      assert.equal(JSON.parse(status).status, 'Success');
      await cleanupPod(podId);
    });
    it('runtime should support portforward [Conformance]', async () => {
      const { podId } = await webServerPod('container-for-portforward-test');
      // critest's request names the pod only; the port comes with the client's streams.
      const { url } = (await rt().PortForward!({ pod_sandbox_id: podId })) as { url: string };
      const s = await dial(url, ['portforward.k8s.io']);
      const error = await s.openStream({ streamType: 'error', port: '80', requestID: '0' });
      const data = await s.openStream({ streamType: 'data', port: '80', requestID: '0' });
      data.end('GET / HTTP/1.0\r\n\r\n');
      const [errText, body] = await Promise.all([readAll(error), readAll(data)]);
      s.close();
      assert.equal(errText, '');
      assert.match(body, /^HTTP\/1\.[01] 200 /);
      assert.match(body, /welcome\n$/);
      await cleanupPod(podId);
    });
  });
  describe('Image Manager (critest --registry-prefix pointed at a local registry)', () => {
    let registry: TestRegistry;
    let prefix = '';
    /** An image of its own pushed as `<registry>/<name>` (a USER or LABEL makes each distinct) and removed locally, as critest expects it absent. */
    const publish = async (name: string, dockerfileLine: string): Promise<string> => {
      const ctx = await mkdtemp(join(tmp, 'img'));
      await writeFile(join(ctx, 'Dockerfile'), `FROM busybox\n${dockerfileLine}\n`);
      const ref = `${prefix}/${name}`;
      await dockerOk(d, ['build', '-q', '-t', ref, ctx], { timeoutMs: 60_000, env: { DOCKER_BUILDKIT: '0' } });
      const pushed = await dockerOk(d, ['push', ref], { timeoutMs: 60_000 });
      const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
      assert.ok(digest, pushed);
      await dockerOk(d, ['rmi', ref]);
      return `${ref.replace(/:[^:/]+$/, '')}@${digest}`;
    };
    const imageStatus = async (image: string): Promise<Json | null> => ((await cri.images.ImageStatus!({ image: { image } })) as { image: Json | null }).image;
    const pull = async (image: string): Promise<string> => String((await cri.images.PullImage!({ image: { image } })).image_ref);
    /** testRemoveImage: by the ID ImageStatus gives, then ImageStatus is nil. */
    const removeAndCheck = async (image: string): Promise<void> => {
      const st = await imageStatus(image);
      if (st) await cri.images.RemoveImage!({ image: { image: String(st.id) } });
      assert.equal(await imageStatus(image), null, 'Should have none image in list');
    };
    before(async () => {
      registry = await startRegistry(join(tmp, 'registry'));
      prefix = `${registry.host}/k8s-staging-cri-tools`;
    });
    after(() => registry?.stop());

    it('public image with tag should be pulled and removed [Conformance]', async () => {
      await publish('test-image-tag:test', 'LABEL critest=tag');
      await pull(`${prefix}/test-image-tag:test`);
      const st = await imageStatus(`${prefix}/test-image-tag:test`);
      assert.deepEqual(st?.repo_tags, [`${prefix}/test-image-tag:test`]);
      await removeAndCheck(`${prefix}/test-image-tag:test`);
    });
    it('public image without tag should be pulled and removed [Conformance]', async () => {
      await publish('test-image-latest', 'LABEL critest=latest');
      await pull(`${prefix}/test-image-latest`);
      assert.deepEqual((await imageStatus(`${prefix}/test-image-latest`))?.repo_tags, [`${prefix}/test-image-latest:latest`]);
      await removeAndCheck(`${prefix}/test-image-latest`);
    });
    it('public image with digest should be pulled and removed [Conformance]', async () => {
      const byDigest = await publish('test-image-digest:pushed', 'LABEL critest=digest');
      await pull(byDigest);
      const st = await imageStatus(byDigest);
      assert.deepEqual(st?.repo_tags, []);
      assert.deepEqual(st?.repo_digests, [byDigest]);
      await removeAndCheck(byDigest);
    });
    it('image status should support all kinds of references [Conformance]', async () => {
      await publish('test-image-tag:all', 'LABEL critest=all');
      const name = `${prefix}/test-image-tag:all`;
      await pull(name);
      const st = (await imageStatus(name))!;
      assert.deepEqual(await imageStatus(String(st.id)), st);
      for (const ref of [...(st.repo_tags as string[]), ...(st.repo_digests as string[])]) assert.deepEqual(await imageStatus(ref), st, ref);
      await removeAndCheck(name);
    });
    it('image status get image fields should not have Uid|Username empty [Conformance]', async () => {
      const cases = [
        { name: 'test-image-user-uid', user: '1002', uid: 1002, username: '' },
        { name: 'test-image-user-username', user: 'www-data', uid: 0, username: 'www-data' },
        { name: 'test-image-user-uid-group', user: '1003:users', uid: 1003, username: '' },
        { name: 'test-image-user-username-group', user: 'www-data:users', uid: 0, username: 'www-data' },
      ];
      for (const c of cases) {
        await publish(c.name, `USER ${c.user}`);
        await pull(`${prefix}/${c.name}`);
        const st = (await imageStatus(`${prefix}/${c.name}`))!;
        assert.equal(Number((st.uid as Json | null)?.value ?? 0), c.uid, c.name);
        assert.equal(st.username, c.username, c.name);
        await removeAndCheck(`${prefix}/${c.name}`);
      }
    });
    it('listImage should get exactly 3 repoTags in the result image [Conformance]', async () => {
      await publish('test-image-tags:1', 'LABEL critest=tags');
      const names = ['test-image-tags:1', 'test-image-tags:2', 'test-image-tags:3'].map((n) => `${prefix}/${n}`);
      await dockerOk(d, ['pull', names[0]!], { timeoutMs: 60_000 });
      for (const n of names.slice(1)) {
        await dockerOk(d, ['tag', names[0]!, n]);
        await dockerOk(d, ['push', n], { timeoutMs: 60_000 });
      }
      await dockerOk(d, ['rmi', ...names]);
      const ids = new Set<string>();
      for (const n of names) ids.add(await pull(n));
      assert.equal(ids.size, 1, 'Only 1 image id should be returned');
      const list = (await cri.images.ListImages!({ filter: {} })) as { images: Json[] };
      const img = list.images.find((i) => ids.has(String(i.id)))!;
      assert.deepEqual([...(img.repo_tags as string[])].sort(), names.sort());
      await removeAndCheck(names[0]!);
    });
  });
});
