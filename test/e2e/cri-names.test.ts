import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { criClient, removePodsAndClose, testPodCidr, type Json } from './cri-client.js';
import { startDaemon, type Daemon } from './harness.js';
import { readDaemonNetwork } from './network-names.js';

/** The calls' outcomes: the ids of those that succeeded, the errors of the others. */
async function race(calls: Array<Promise<Json>>, field: string): Promise<{ ok: string[]; failed: ServiceError[] }> {
  const settled = await Promise.allSettled(calls);
  return {
    ok: settled.filter((s): s is PromiseFulfilledResult<Json> => s.status === 'fulfilled').map((s) => String(s.value[field])),
    failed: settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as ServiceError),
  };
}

describe('Kubernetes CRI: sandbox and container names are reserved, as containerd reserves them', () => {
  let d: Daemon;
  let cri: ReturnType<typeof criClient>;
  const uid = randomBytes(4).toString('hex');
  const config = (attempt: number): Json => ({ metadata: { name: 'web', uid, namespace: 'default', attempt }, hostname: 'web' });
  const sandboxName = `web_default_${uid}_0`;
  let pod = '';

  before(async () => {
    d = await startDaemon();
    cri = criClient(join(d.execRoot, 'cri.sock'));
    const podCidr = testPodCidr(readDaemonNetwork(dirname(d.dataRoot))!.pool);
    await cri.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: podCidr } } });
  });

  after(async () => {
    await removePodsAndClose(cri);
    await d?.stop();
  });

  it("concurrent RunPodSandbox calls with one name make one pod; the others answer containerd's error (Unknown)", async () => {
    const { ok, failed } = await race(
      [0, 1, 2].map(() => cri.runtime.RunPodSandbox!({ config: config(0) })),
      'pod_sandbox_id',
    );
    assert.equal(ok.length, 1, JSON.stringify(failed.map((e) => e.details)));
    pod = ok[0]!;
    assert.equal(failed.length, 2);
    for (const err of failed) {
      assert.equal(err.code, GrpcStatus.UNKNOWN);
      assert.equal(err.details, `failed to reserve sandbox name "${sandboxName}": name "${sandboxName}" is reserved for "${pod}"`);
    }
    const items = ((await cri.runtime.ListPodSandbox!({})) as { items: Json[] }).items;
    assert.deepEqual(
      items.map((s) => s.id),
      [pod],
    );
    // Another attempt is another name: it runs, while the first pod stays.
    const next = await cri.runtime.RunPodSandbox!({ config: config(1) });
    assert.notEqual(next.pod_sandbox_id, pod);
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: next.pod_sandbox_id });
  });

  it('concurrent CreateContainer calls with one name in a pod make one container; a removed one frees its name', async () => {
    const create = (): Promise<Json> =>
      cri.runtime.CreateContainer!({
        pod_sandbox_id: pod,
        sandbox_config: config(0),
        config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '3600'] },
      });
    const { ok, failed } = await race([create(), create(), create()], 'container_id');
    assert.equal(ok.length, 1, JSON.stringify(failed.map((e) => e.details)));
    const name = `app_web_default_${uid}_0`;
    assert.equal(failed.length, 2);
    for (const err of failed) {
      assert.equal(err.code, GrpcStatus.UNKNOWN);
      assert.equal(err.details, `failed to reserve container name "${name}": name "${name}" is reserved for "${ok[0]}"`);
    }
    const listed = ((await cri.runtime.ListContainers!({})) as { containers: Json[] }).containers;
    assert.deepEqual(
      listed.map((c) => c.id),
      [ok[0]],
    );
    const ps = await d.docker(['ps', '-a', '--filter', `name=k8s_app_web_default_${uid}_0`, '--format', '{{.ID}}']);
    assert.equal(ps.stdout.trim().split('\n').length, 1, ps.stdout);
    await cri.runtime.RemoveContainer!({ container_id: ok[0] });
    const again = await create();
    assert.notEqual(again.container_id, ok[0]);
  });

  it('a removed pod frees its name', async () => {
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: pod });
    const again = await cri.runtime.RunPodSandbox!({ config: config(0) });
    assert.notEqual(again.pod_sandbox_id, pod);
    await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: again.pod_sandbox_id });
  });

  it('berthd logged no unhandled error', () => {
    assert.doesNotMatch(d.log(), /unhandled|uncaught/i);
  });
});
