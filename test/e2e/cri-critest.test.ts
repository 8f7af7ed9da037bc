import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { code, criClient, type Json } from './cri-client.js';
import { dockerOk, eventually, startDaemon, type Daemon } from './harness.js';
import { readDaemonNetwork } from './network-names.js';

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
      const name = 'PodSandbox-with-log-directory-' + uuid();
      logDir = join(await mkdtemp(join(tmp, 'podLogTest')), name);
      await mkdir(logDir, { recursive: true, mode: 0o777 });
      pod = {
        ...podConfig('unused-'),
        metadata: { name, uid: 'cri-test-uid' + uuid(), namespace: 'cri-test-namespace' + uuid(), attempt: 2 },
        log_directory: logDir,
      };
      podId = await runPod(pod);
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
  });
});
