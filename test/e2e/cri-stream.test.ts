import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { criClient, testPodCidr } from './cri-client.js';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { readDaemonNetwork } from './network-names.js';
import { readAll, spdyDial } from './spdy-client.js';
import WebSocket from 'ws';
import type { SpdySession } from '../../src/lib/spdy/session.js';

/** A pod's container as cri-pods names and labels them, made through the Docker API of the test daemon. */
async function podContainer(d: Daemon, opts: { name: string; pod: string; cmd: string[]; tty?: boolean; stdin?: boolean }): Promise<string> {
  const labels = {
    'io.kubernetes.container.name': opts.name,
    'io.kubernetes.pod.name': 'web',
    'io.kubernetes.pod.namespace': 'default',
    'io.kubernetes.pod.uid': 'uid-1',
    'io.kubernetes.sandbox.id': opts.pod,
    'io.kubernetes.docker.type': 'container',
    'annotation.team': 'storage',
  };
  const create = await d.api('POST', `/containers/create?name=k8s_${opts.name}_web_default_uid-1_0`, {
    Image: 'busybox',
    Cmd: opts.cmd,
    Labels: labels,
    Tty: opts.tty === true,
    OpenStdin: opts.stdin === true,
  });
  assert.equal(create.status, 201, create.body);
  const id = (create.json as { Id: string }).Id;
  const start = await d.api('POST', `/containers/${id}/start`);
  assert.equal(start.status, 204, start.body);
  return id;
}

const V4 = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

async function session(url: string, protocols = V4): Promise<SpdySession> {
  const r = await spdyDial(url, protocols);
  if (!('session' in r)) assert.fail(`upgrade refused: ${r.status} ${r.body}`);
  assert.equal(r.protocol, protocols[0]);
  return r.session;
}

/** Whether the port-forward helper of that network namespace (`node -e <helper> <netns>`, started by `nsenter --net=<netns>`) still runs. */
async function helperRunning(netns: string): Promise<boolean> {
  const { readdir, readFile } = await import('node:fs/promises');
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    const cmdline = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.endsWith(`\0${netns}\0`)) return true;
  }
  return false;
}

const grpcError = async (p: Promise<unknown>): Promise<ServiceError> =>
  p.then(
    () => assert.fail('the call succeeded'),
    (err: ServiceError) => err,
  );

describe('Kubernetes CRI: ExecSync, the streaming server, container stats', () => {
  let d: Daemon;
  let cri: ReturnType<typeof criClient>;
  let box: string;
  before(async () => {
    d = await startDaemon();
    cri = criClient(join(d.execRoot, 'cri.sock'));
    box = await podContainer(d, { name: 'box', pod: 'pod-a', cmd: ['sleep', '3600'] });
  });
  after(async () => {
    cri?.close();
    await d?.stop();
  });

  describe('ExecSync', () => {
    it('answers stdout and stderr apart, and the exit code', async () => {
      const r = (await cri.runtime.ExecSync!({ container_id: box, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'], timeout: 0 })) as {
        stdout: Buffer;
        stderr: Buffer;
        exit_code: number;
      };
      assert.equal(r.stdout.toString(), 'out\n');
      assert.equal(r.stderr.toString(), 'err\n');
      assert.equal(r.exit_code, 3);
      // The exec instance is gone once it answered (the kubelet's probes would pile them up).
      const events = await d.api('GET', `/events?since=1&until=${Math.ceil(Date.now() / 1000) + 1}`);
      const created = events.body
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } })
        .filter((e) => e.Actor.ID === box && e.Action.startsWith('exec_create'));
      assert.ok(created.length > 0);
      assert.equal((await d.api('GET', `/exec/${created.at(-1)!.Actor.Attributes.execID}/json`)).status, 404);
      const ok = (await cri.runtime.ExecSync!({ container_id: box, cmd: ['cat', '/etc/hostname'], timeout: 5 })) as { stdout: Buffer; exit_code: number };
      assert.equal(ok.exit_code, 0);
      assert.ok(ok.stdout.length > 0);
    });

    it('kills a command that outlives its timeout and answers DEADLINE_EXCEEDED, as containerd', async () => {
      const err = await grpcError(cri.runtime.ExecSync!({ container_id: box, cmd: ['sh', '-c', 'echo started; sleep 30'], timeout: 1 }));
      assert.equal(err.code, GrpcStatus.DEADLINE_EXCEEDED);
      assert.match(err.details, /^timeout 1s exceeded: context deadline exceeded$/);
      // The killed process is gone from the container.
      const ps = (await cri.runtime.ExecSync!({ container_id: box, cmd: ['ps', '-o', 'args'], timeout: 5 })) as { stdout: Buffer };
      assert.doesNotMatch(ps.stdout.toString(), /sleep 30/);
    });

    it('answers NOT_FOUND for an unknown container and FAILED_PRECONDITION for a stopped one', async () => {
      assert.equal((await grpcError(cri.runtime.ExecSync!({ container_id: 'nosuch', cmd: ['true'] }))).code, GrpcStatus.NOT_FOUND);
      const done = await podContainer(d, { name: 'done', pod: 'pod-a', cmd: ['true'] });
      await d.api('POST', `/containers/${done}/wait`);
      assert.equal((await grpcError(cri.runtime.ExecSync!({ container_id: done, cmd: ['true'] }))).code, GrpcStatus.FAILED_PRECONDITION);
    });
  });

  describe('the streaming server (SPDY)', () => {
    const execUrl = async (req: Record<string, unknown>): Promise<string> => {
      const r = (await cri.runtime.Exec!({ container_id: box, stdout: true, ...req })) as { url: string };
      assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]{11}$/);
      return r.url;
    };

    it('Exec: stdout and stderr apart, the exit code in the v4 error stream; the URL serves once', async () => {
      const url = await execUrl({ cmd: ['sh', '-c', 'echo out; echo err >&2; exit 7'], stderr: true });
      const s = await session(url);
      const error = await s.openStream({ streamType: 'error' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      const stderr = await s.openStream({ streamType: 'stderr' });
      const [status, out, err] = await Promise.all([readAll(error), readAll(stdout), readAll(stderr)]);
      assert.equal(out, 'out\n');
      assert.equal(err, 'err\n');
      assert.deepEqual(JSON.parse(status), {
        metadata: {},
        status: 'Failure',
        message: 'command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 7], exit code 7',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '7' }] },
      });
      const again = await spdyDial(url, V4);
      assert.deepEqual(again, { status: 404, body: '404 page not found\n' });
    });

    it('Exec with stdin: input reaches the command, its EOF ends it, success status', async () => {
      const s = await session(await execUrl({ cmd: ['sh', '-c', 'cat; echo done'], stdin: true }));
      const error = await s.openStream({ streamType: 'error' });
      const stdin = await s.openStream({ streamType: 'stdin' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      stdin.end('hello over spdy\n');
      const [status, out] = await Promise.all([readAll(error), readAll(stdout)]);
      assert.equal(out, 'hello over spdy\ndone\n');
      assert.deepEqual(JSON.parse(status), { metadata: {}, status: 'Success' });
    });

    it('Exec with a TTY: the resize stream sizes the terminal', async () => {
      const cmd = ['sh', '-c', 'while [ "$(stty size 2>/dev/null)" != "30 100" ]; do sleep 0.1; done; echo sized; tty'];
      const s = await session(await execUrl({ cmd, tty: true }));
      const error = await s.openStream({ streamType: 'error' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      const resize = await s.openStream({ streamType: 'resize' });
      resize.write(JSON.stringify({ Width: 100, Height: 30 }));
      const [status, out] = await Promise.all([readAll(error), readAll(stdout)]);
      assert.match(out, /sized\r\n\/dev\/pts\/\d+\r\n/);
      assert.equal(JSON.parse(status).status, 'Success');
    });

    it('Exec of a missing command reports an internal error on the error stream', async () => {
      const s = await session(await execUrl({ cmd: ['/no/such/binary'], stderr: true }));
      const error = await s.openStream({ streamType: 'error' });
      await s.openStream({ streamType: 'stdout' });
      await s.openStream({ streamType: 'stderr' });
      const status = JSON.parse(await readAll(error)) as { status: string; reason: string; code: number; message: string };
      assert.equal(status.status, 'Failure');
      assert.equal(status.reason, 'InternalError');
      assert.equal(status.code, 500);
      assert.match(status.message, /^Internal error occurred: .*no such file or directory/);
    });

    it('Exec: a client that leaves kills its command', async () => {
      const s = await session(await execUrl({ cmd: ['sh', '-c', 'echo up; exec sleep 313'] }));
      await s.openStream({ streamType: 'error' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      await new Promise((r) => stdout.once('data', r));
      const running = async (): Promise<boolean> =>
        ((await cri.runtime.ExecSync!({ container_id: box, cmd: ['ps', '-o', 'args'], timeout: 5 })) as { stdout: Buffer }).stdout
          .toString()
          .includes('sleep 313');
      assert.ok(await running());
      s.close();
      await eventually('the exec is killed', async () => !(await running()));
    });

    it('Attach: stdin to the container, its stdout and stderr back, success when it ends', async () => {
      const talk = await podContainer(d, { name: 'talk', pod: 'pod-a', cmd: ['sh', '-c', 'read l; echo "got $l"; echo bye >&2'], stdin: true });
      const r = (await cri.runtime.Attach!({ container_id: talk, stdin: true, stdout: true, stderr: true })) as { url: string };
      assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/attach\/[A-Za-z0-9_-]{11}$/);
      const s = await session(r.url);
      const error = await s.openStream({ streamType: 'error' });
      const stdin = await s.openStream({ streamType: 'stdin' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      const stderr = await s.openStream({ streamType: 'stderr' });
      stdin.write('ping\n');
      const [status, out, err] = await Promise.all([readAll(error), readAll(stdout), readAll(stderr)]);
      assert.equal(out, 'got ping\n');
      assert.equal(err, 'bye\n');
      assert.deepEqual(JSON.parse(status), { metadata: {}, status: 'Success' });
    });

    it('Attach to a TTY container: the resize stream sizes its terminal', async () => {
      const cmd = ['sh', '-c', 'while [ "$(stty size 2>/dev/null)" != "25 90" ]; do sleep 0.1; done; echo sized'];
      const tty = await podContainer(d, { name: 'tty', pod: 'pod-a', cmd, tty: true, stdin: true });
      const r = (await cri.runtime.Attach!({ container_id: tty, tty: true, stdout: true })) as { url: string };
      const s = await session(r.url);
      const error = await s.openStream({ streamType: 'error' });
      const stdout = await s.openStream({ streamType: 'stdout' });
      const resize = await s.openStream({ streamType: 'resize' });
      resize.write(JSON.stringify({ Width: 90, Height: 25 }));
      const [status, out] = await Promise.all([readAll(error), readAll(stdout)]);
      assert.equal(out, 'sized\r\n');
      assert.deepEqual(JSON.parse(status), { metadata: {}, status: 'Success' });
    });

    it('checks requests as cri-api says: tty with stderr, no stream, an unknown container or sandbox', async () => {
      const bad = await grpcError(cri.runtime.Exec!({ container_id: box, cmd: ['true'], tty: true, stderr: true }));
      assert.equal(bad.code, GrpcStatus.INVALID_ARGUMENT);
      assert.equal(bad.details, 'tty and stderr cannot both be true');
      const none = await grpcError(cri.runtime.Attach!({ container_id: box }));
      assert.equal(none.details, 'one of stdin, stdout, or stderr must be set');
      assert.equal((await grpcError(cri.runtime.Exec!({ container_id: 'nosuch', cmd: ['true'], stdout: true }))).code, GrpcStatus.NOT_FOUND);
      assert.equal((await grpcError(cri.runtime.PortForward!({ pod_sandbox_id: 'nosuch', port: [80] }))).code, GrpcStatus.NOT_FOUND);
    });

    it('an unknown token answers 404, a protocol it does not speak 403', async () => {
      const url = await execUrl({ cmd: ['true'] });
      const base = url.slice(0, url.lastIndexOf('/'));
      assert.deepEqual(await spdyDial(`${base}/AAAAAAAAAAA`, V4), { status: 404, body: '404 page not found\n' });
      const plain = await fetch(`${base}/AAAAAAAAAAA`);
      assert.equal(plain.status, 404);
      const refused = await spdyDial(url, ['v9.channel.k8s.io']);
      assert.equal((refused as { status: number }).status, 403);
      assert.match((refused as { body: string }).body, /^unable to upgrade: unable to negotiate protocol: client supports \[v9\.channel\.k8s\.io\]/);
    });

    it("PortForward: connections into a pod sandbox's network namespace, a closed port reported on the error stream", async () => {
      // A real pod: its pinned network namespace, a container in it serving on the pod's loopback.
      const podCidr = testPodCidr(readDaemonNetwork(dirname(d.dataRoot))!.pool);
      await cri.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: podCidr } } });
      const sandboxConfig = { metadata: { name: 'fwd', uid: 'uid-fwd', namespace: 'default', attempt: 0 }, hostname: 'fwd' };
      const pod = String((await cri.runtime.RunPodSandbox!({ config: sandboxConfig })).pod_sandbox_id);
      try {
        const created = await cri.runtime.CreateContainer!({
          pod_sandbox_id: pod,
          sandbox_config: sandboxConfig,
          config: {
            metadata: { name: 'srv', attempt: 0 },
            image: { image: 'busybox' },
            command: ['sh', '-c', 'mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'],
          },
        });
        const srv = String(created.container_id);
        await cri.runtime.StartContainer!({ container_id: srv });
        await eventually('httpd listens', async () => {
          const r = (await cri.runtime.ExecSync!({ container_id: srv, cmd: ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/'], timeout: 5 })) as {
            exit_code: number;
          };
          return r.exit_code === 0;
        });
        // A container's id is not a pod sandbox's: containerd and CRI-O resolve sandboxes only.
        assert.equal((await grpcError(cri.runtime.PortForward!({ pod_sandbox_id: srv, port: [8080] }))).code, GrpcStatus.NOT_FOUND);
        const r = (await cri.runtime.PortForward!({ pod_sandbox_id: pod, port: [8080] })) as { url: string };
        assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/portforward\/[A-Za-z0-9_-]{11}$/);
        const s = await session(r.url, ['portforward.k8s.io']);
        for (const requestID of ['0', '1']) {
          const error = await s.openStream({ streamType: 'error', port: '8080', requestID });
          const data = await s.openStream({ streamType: 'data', port: '8080', requestID });
          data.end('GET /index.html HTTP/1.0\r\n\r\n');
          const [errText, body] = await Promise.all([readAll(error), readAll(data)]);
          assert.equal(errText, '');
          assert.match(body, /^HTTP\/1\.[01] 200 OK/);
          assert.match(body, /hello-from-pod\n$/);
        }
        const error = await s.openStream({ streamType: 'error', port: '8081', requestID: '2' });
        const data = await s.openStream({ streamType: 'data', port: '8081', requestID: '2' });
        const [errText] = await Promise.all([readAll(error), readAll(data)]);
        assert.equal(
          errText.startsWith(`error forwarding port 8081 to pod ${pod}, uid : failed to connect to localhost:8081 inside namespace `),
          true,
          errText,
        );
        assert.match(errText, /connection refused/);
        const st = (await cri.runtime.PodSandboxStatus!({ pod_sandbox_id: pod, verbose: true })) as { info: Record<string, string> };
        const netns = (JSON.parse(st.info.info!) as { netns: string }).netns;
        assert.ok(netns.startsWith(join(d.execRoot, 'cri')), netns);
        assert.equal(await helperRunning(netns), true, 'the helper runs in the pod netns while the session lasts');
        s.close();
        // The helper that connects inside the namespace ends with the session.
        await eventually('the netns helper ends', async () => !(await helperRunning(netns)));
      } finally {
        await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: pod });
      }
    });
  });

  describe('the streaming server (WebSocket)', () => {
    /** A whole WebSocket session: every message by channel, in order, until the server closes. */
    const wsSession = (url: string, protocols: string[], send: (ws: WebSocket) => void): Promise<{ protocol: string; messages: Buffer[] }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
        const messages: Buffer[] = [];
        ws.on('open', () => send(ws));
        ws.on('message', (m: Buffer) => messages.push(m));
        ws.on('close', () => resolve({ protocol: ws.protocol, messages }));
        ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.on('error', reject);
      });
    const channel = (messages: Buffer[], ch: number): string => Buffer.concat(messages.filter((m) => m[0] === ch).map((m) => m.subarray(1))).toString();

    it('Exec over v5.channel.k8s.io: channel frames, stdin closed by the close signal, the exit status on channel 3', async () => {
      const r = (await cri.runtime.Exec!({ container_id: box, cmd: ['sh', '-c', 'cat; echo err >&2; exit 4'], stdin: true, stdout: true, stderr: true })) as {
        url: string;
      };
      const { protocol, messages } = await wsSession(r.url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], (ws) => {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('over websocket\n')]));
        ws.send(Buffer.from([255, 0]));
      });
      assert.equal(protocol, 'v5.channel.k8s.io');
      assert.deepEqual(messages[0], Buffer.from([1]), 'the first message is an empty one on stdout');
      assert.equal(channel(messages, 1), 'over websocket\n');
      assert.equal(channel(messages, 2), 'err\n');
      const status = JSON.parse(channel(messages, 3)) as { reason: string; details: { causes: Array<{ reason: string; message: string }> } };
      assert.equal(status.reason, 'NonZeroExitCode');
      assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '4' }]);
    });

    it('a TTY exec over v4.channel.k8s.io takes its size from channel 4', async () => {
      const cmd = ['sh', '-c', 'while [ "$(stty size 2>/dev/null)" != "40 120" ]; do sleep 0.1; done; echo sized'];
      const r = (await cri.runtime.Exec!({ container_id: box, cmd, tty: true, stdout: true })) as { url: string };
      const { messages } = await wsSession(r.url, ['v4.channel.k8s.io'], (ws) =>
        ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')])),
      );
      assert.equal(channel(messages, 1), 'sized\r\n');
      assert.deepEqual(JSON.parse(channel(messages, 3)), { metadata: {}, status: 'Success' });
    });

    it('a spent token answers 404, a protocol it does not speak 403', async () => {
      const r = (await cri.runtime.Exec!({ container_id: box, cmd: ['true'], stdout: true })) as { url: string };
      await assert.rejects(
        wsSession(r.url, ['v4.base64.channel.k8s.io'], () => undefined),
        /HTTP 403/,
      );
      await assert.rejects(
        wsSession(r.url, ['v4.channel.k8s.io'], () => undefined),
        /HTTP 404/,
      );
    });
  });

  describe('container stats', () => {
    type U64 = { value: number };
    interface Stats {
      attributes: { id: string; metadata: { name: string; attempt: number }; labels: Record<string, string>; annotations: Record<string, string> };
      cpu: { timestamp: number; usage_core_nano_seconds: U64; usage_nano_cores: U64 };
      memory: { timestamp: number; working_set_bytes: U64; usage_bytes: U64; rss_bytes: U64; page_faults: U64 };
      writable_layer: { timestamp: number; fs_id: { mountpoint: string }; used_bytes: U64; inodes_used: U64 };
    }
    const burn = ['sh', '-c', 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done'];
    const statsOf = async (id: string): Promise<Stats> => ((await cri.runtime.ContainerStats!({ container_id: id })) as { stats: Stats }).stats;
    const listed = async (filter: Record<string, unknown>): Promise<string[]> =>
      ((await cri.runtime.ListContainerStats!({ filter })) as { stats: Stats[] }).stats.map((s) => s.attributes.id).sort();

    it('ContainerStats: cpu, memory and the writable layer from the cgroup and the upper dir', async () => {
      const writer = await podContainer(d, { name: 'writer', pod: 'pod-c', cmd: ['sh', '-c', 'head -c 100000 /dev/zero > /blob; sleep 3600'] });
      await eventually('the blob is written', async () => {
        const r = (await cri.runtime.ExecSync!({ container_id: writer, cmd: ['sh', '-c', 'test $(wc -c < /blob) = 100000'], timeout: 5 })) as {
          exit_code: number;
        };
        return r.exit_code === 0;
      });
      await cri.runtime.ExecSync!({ container_id: writer, cmd: burn, timeout: 30 });
      const first = await statsOf(writer);
      assert.equal(first.attributes.id, writer);
      assert.deepEqual(first.attributes.metadata, { name: 'writer', attempt: 0 });
      assert.equal(first.attributes.labels['io.kubernetes.pod.name'], 'web');
      assert.equal(first.attributes.labels['io.kubernetes.sandbox.id'], undefined);
      assert.deepEqual(first.attributes.annotations, { team: 'storage' });
      assert.ok(first.cpu.timestamp > 0);
      assert.ok(first.cpu.usage_core_nano_seconds.value > 0);
      assert.ok(first.memory.working_set_bytes.value > 0);
      assert.ok(first.memory.usage_bytes.value >= first.memory.working_set_bytes.value);
      assert.ok(first.memory.page_faults.value > 0);
      assert.ok(first.writable_layer.used_bytes.value >= 100000, JSON.stringify(first.writable_layer));
      assert.ok(first.writable_layer.inodes_used.value >= 1);
      assert.match(first.writable_layer.fs_id.mountpoint, /\/snapshots$/);
      // The rate over the window between two readings, with CPU spent in between.
      await cri.runtime.ExecSync!({ container_id: writer, cmd: burn, timeout: 30 });
      const second = await statsOf(writer);
      assert.ok(second.cpu.usage_core_nano_seconds.value > first.cpu.usage_core_nano_seconds.value);
      assert.ok(second.cpu.usage_nano_cores.value > 0);
      assert.equal((await grpcError(cri.runtime.ContainerStats!({ container_id: 'nosuch' }))).code, GrpcStatus.NOT_FOUND);
    });

    it('ListContainerStats: the running pod containers, by id, pod sandbox and labels', async () => {
      const plain = await d.api('POST', '/containers/create?name=not-a-pod', { Image: 'busybox', Cmd: ['sleep', '3600'] });
      const plainId = (plain.json as { Id: string }).Id;
      assert.equal((await d.api('POST', `/containers/${plainId}/start`)).status, 204);
      const running = (await d.api('GET', '/containers/json?filters=' + encodeURIComponent(JSON.stringify({ label: ['io.kubernetes.docker.type=container'] }))))
        .json as Array<{ Id: string; Labels: Record<string, string> }>;
      const all = await listed({});
      assert.deepEqual(all, running.map((c) => c.Id).sort());
      assert.ok(!all.includes(plainId));
      assert.deepEqual(await listed({ id: box.slice(0, 12) }), [box]);
      const podC = running.filter((c) => c.Labels['io.kubernetes.sandbox.id'] === 'pod-c').map((c) => c.Id);
      assert.ok(podC.length > 0);
      assert.deepEqual(await listed({ pod_sandbox_id: 'pod-c' }), podC.sort());
      assert.deepEqual(await listed({ label_selector: { 'io.kubernetes.container.name': 'box' } }), [box]);
      assert.deepEqual(await listed({ pod_sandbox_id: 'pod-a', label_selector: { 'io.kubernetes.container.name': 'srv' } }), []);
    });
  });

  it('berthd logged no streaming failure and no unhandled error', () => {
    assert.doesNotMatch(d.log(), /cri streaming:|unhandled|uncaught/i);
  });
});
