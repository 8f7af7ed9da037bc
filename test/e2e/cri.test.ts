import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { code, criClient, type Json } from './cri-client.js';
import { lookupGroup } from '../../src/daemon/listen.js';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { startRegistry, type TestRegistry } from './registry-util.js';

describe('Kubernetes CRI v1 (runtime info and the image service)', () => {
  let tmp: string;
  let registry: TestRegistry;
  let authRegistry: TestRegistry;
  let d: Daemon;
  let cri: ReturnType<typeof criClient>;
  let socket: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-cri-'));
    registry = await startRegistry(join(tmp, 'plain'));
    const htpasswd = join(tmp, 'htpasswd');
    await writeFile(htpasswd, execFileSync('htpasswd', ['-Bbn', 'kube', 'pa55']).toString());
    authRegistry = await startRegistry(join(tmp, 'auth'), { htpasswd });
    d = await startDaemon();
    socket = join(d.execRoot, 'cri.sock');
    cri = criClient(socket);
  });
  after(async () => {
    cri?.close();
    await d?.stop();
    await registry?.stop();
    await authRegistry?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves on <exec-root>/cri.sock, 0660 root:berth like the API socket', async () => {
    const st = await stat(socket);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o660);
    assert.equal(st.uid, 0);
    assert.equal(st.gid, (await lookupGroup('berth')) ?? 0);
    assert.match(d.log(), new RegExp(`CRI listening on unix://${socket}`));
  });

  it('Version, Status and RuntimeConfig', async () => {
    const v = await cri.runtime.Version!({ version: 'v1' });
    assert.equal(v.runtime_name, 'berth');
    assert.equal(v.runtime_api_version, 'v1');
    assert.match(String(v.runtime_version), /^\d+\.\d+\.\d+/);
    const s = (await cri.runtime.Status!({ verbose: false })) as { status: { conditions: Json[] } };
    const conditions = Object.fromEntries(s.status.conditions.map((c) => [c.type, c.status]));
    assert.deepEqual(conditions, { RuntimeReady: true, NetworkReady: true });
    const rc = (await cri.runtime.RuntimeConfig!({})) as { linux: Json };
    assert.equal(rc.linux.cgroup_driver, 'CGROUPFS');
    const info = await d.docker(['info', '--format', '{{.CgroupDriver}}']);
    assert.equal(info.stdout.trim(), 'cgroupfs', 'the same driver docker info reports');
  });

  it('an RPC berth does not implement answers UNIMPLEMENTED', async () => {
    assert.equal(await code(cri.runtime.CheckpointContainer!({})), GrpcStatus.UNIMPLEMENTED);
    assert.equal(await code(cri.runtime.ListMetricDescriptors!({})), GrpcStatus.UNIMPLEMENTED);
    assert.match(d.log(), /cri: unimplemented gRPC call \/runtime\.v1\.RuntimeService\/CheckpointContainer/);
  });

  it('pull, list, status, remove twice: the same store docker images shows', async () => {
    const ref = `${registry.host}/cri/app:v1`;
    assert.equal((await d.docker(['tag', 'busybox', ref])).code, 0);
    const pushed = await d.docker(['push', ref], { timeoutMs: 60_000 });
    assert.equal(pushed.code, 0, pushed.stderr);
    const busyboxId = (await d.docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
    assert.equal((await d.docker(['rmi', ref])).code, 0);

    const pulled = await cri.images.PullImage!({ image: { image: ref } });
    assert.equal(pulled.image_ref, busyboxId);
    const images = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
    assert.match(images.stdout, new RegExp(`^${registry.host}/cri/app:v1 ${busyboxId.slice(7, 19)}$`, 'm'));

    const list = (await cri.images.ListImages!({})) as { images: Json[] };
    const mine = list.images.find((i) => i.id === busyboxId) as { repo_tags: string[]; repo_digests: string[]; size: number; spec: Json };
    assert.ok(mine, JSON.stringify(list));
    assert.ok(mine.repo_tags.includes(ref));
    assert.ok(mine.repo_tags.includes('docker.io/library/busybox:latest'));
    assert.ok(Number(mine.size) > 0, 'an image pulled again over its own layers keeps its size');
    assert.equal(String(mine.size), (await d.docker(['image', 'inspect', '-f', '{{.Size}}', busyboxId])).stdout.trim(), 'the size docker inspect shows');
    const byDigest = mine.repo_digests.find((r) => r.startsWith(`${registry.host}/cri/app@sha256:`));
    assert.ok(byDigest, JSON.stringify(mine.repo_digests));

    for (const name of [ref, busyboxId, byDigest]) {
      const st = (await cri.images.ImageStatus!({ image: { image: name } })) as { image: Json | null };
      assert.equal(st.image?.id, busyboxId, name);
    }
    const filtered = (await cri.images.ListImages!({ filter: { image: { image: ref } } })) as { images: Json[] };
    assert.deepEqual(
      filtered.images.map((i) => i.id),
      [busyboxId],
    );
    const missing = (await cri.images.ImageStatus!({ image: { image: 'no-such-image:here' } })) as { image: Json | null };
    assert.equal(missing.image, null);

    await cri.images.RemoveImage!({ image: { image: ref } });
    assert.equal((await cri.images.ImageStatus!({ image: { image: ref } })).image, null);
    assert.equal((await d.docker(['image', 'inspect', 'busybox'])).code, 1, 'RemoveImage removes the image with all its names');
    // Idempotent: removing what is gone is success.
    await cri.images.RemoveImage!({ image: { image: ref } });
    await cri.images.RemoveImage!({ image: { image: busyboxId } });
  });

  it('PullImage with the kubelet AuthConfig; a missing image is NOT_FOUND', async () => {
    const ref = `${authRegistry.host}/private/app:1`;
    const login = await d.docker(['login', '-u', 'kube', '--password-stdin', authRegistry.host], { input: 'pa55\n', timeoutMs: 30_000 });
    assert.equal(login.code, 0, login.stderr);
    const own = await d.docker(['import', '-', 'private-src'], { input: execFileSync('tar', ['-C', tmp, '-cf', '-', 'htpasswd']), timeoutMs: 30_000 });
    assert.equal(own.code, 0, own.stderr);
    assert.equal((await d.docker(['tag', 'private-src', ref])).code, 0);
    const pushed = await d.docker(['push', ref], { timeoutMs: 60_000 });
    assert.equal(pushed.code, 0, pushed.stderr);
    await d.docker(['logout', authRegistry.host]);
    assert.equal((await d.docker(['rmi', ref, 'private-src'])).code, 0);

    assert.equal(await code(cri.images.PullImage!({ image: { image: ref } })), GrpcStatus.UNAUTHENTICATED);
    const auth = Buffer.from('kube:pa55').toString('base64');
    const pulled = await cri.images.PullImage!({ image: { image: ref }, auth: { auth, server_address: authRegistry.host } });
    assert.match(String(pulled.image_ref), /^sha256:[0-9a-f]{64}$/);
    const withUser = await cri.images.PullImage!({ image: { image: ref }, auth: { username: 'kube', password: 'pa55' } });
    assert.equal(withUser.image_ref, pulled.image_ref);
    assert.equal(await code(cri.images.PullImage!({ image: { image: `${registry.host}/cri/none:1` } })), GrpcStatus.NOT_FOUND);
  });

  it('ImageFsInfo reports the snapshots directory', async () => {
    const info = (await cri.images.ImageFsInfo!({})) as { image_filesystems: Array<{ fs_id: Json; used_bytes: Json; inodes_used: Json; timestamp: number }> };
    const fs = info.image_filesystems[0]!;
    assert.equal(fs.fs_id.mountpoint, join(d.dataRoot, 'snapshots'));
    assert.ok(Number(fs.used_bytes.value) > 0);
    assert.ok(Number(fs.inodes_used.value) > 0);
    assert.ok(fs.timestamp > 0);
  });

  it('cri-socket in daemon.json moves the socket', async () => {
    const path = join(tmp, 'kubelet-runtime.sock');
    const other = await startDaemon({ noBusybox: true, config: { 'cri-socket': `unix://${path}` } });
    const c = criClient(path);
    try {
      assert.equal((await stat(path)).mode & 0o777, 0o660);
      await assert.rejects(stat(join(other.execRoot, 'cri.sock')), { code: 'ENOENT' });
      assert.equal((await c.runtime.Version!({})).runtime_name, 'berth');
    } finally {
      c.close();
      await other.stop();
    }
    await assert.rejects(stat(path), { code: 'ENOENT' }, 'removed at shutdown');
  });

  it('the socket goes with the daemon and a stale one is replaced at start', async () => {
    process.kill(d.pid, 'SIGTERM');
    await eventually('berthd to exit', async () => d.exitStatus !== undefined, 20_000);
    await assert.rejects(stat(socket), { code: 'ENOENT' });
    await d.restart();
    assert.ok((await stat(socket)).isSocket(), 'the CRI is served before the API answers');
    await d.kill9();
    assert.ok((await stat(socket)).isSocket(), 'kill -9 leaves the socket behind');
    await d.restart();
    const again = criClient(socket);
    try {
      assert.equal((await again.runtime.Version!({})).runtime_name, 'berth');
    } finally {
      again.close();
    }
  });
});
