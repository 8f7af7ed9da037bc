import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { criClient } from './cri-client.js';
import { startDaemon, type Daemon } from './harness.js';

/** A pod's container as cri-pods names and labels them, made through the Docker API of the test daemon. */
async function podContainer(d: Daemon, opts: { name: string; pod: string; cmd: string[]; tty?: boolean; stdin?: boolean }): Promise<string> {
  const labels = {
    'io.kubernetes.container.name': opts.name,
    'io.kubernetes.pod.name': 'web',
    'io.kubernetes.pod.namespace': 'default',
    'io.kubernetes.pod.uid': 'uid-1',
    'io.kubernetes.sandbox.id': opts.pod,
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
});
