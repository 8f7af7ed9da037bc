import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunMount } from './run-mount.js';
import { parseDockerfile } from './dockerfile.js';

test('RUN --mount: every flag kept, in order', () => {
  const df = parseDockerfile('FROM busybox\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none true\n');
  const run = df.instructions[1]!;
  assert.equal(run.kind, 'run');
  assert.deepEqual(run.kind === 'run' && run.mounts, ['type=cache,target=/c', 'type=tmpfs,target=/t']);
});

test('cache: id defaults to the target, writable, shared', () => {
  const m = parseRunMount('type=cache,target=/root/.cache/');
  assert.deepEqual(m, { type: 'cache', target: '/root/.cache', readOnly: false, sharing: 'shared', required: false, id: '/root/.cache' });
  const n = parseRunMount('type=cache,id=go,dst=/go,sharing=locked,mode=0700,uid=1000,gid=100,from=base,source=/x');
  assert.equal(n.id, 'go');
  assert.equal(n.sharing, 'locked');
  assert.equal(n.mode, 0o700);
  assert.equal(n.uid, 1000);
  assert.equal(n.gid, 100);
  assert.equal(n.from, 'base');
  assert.equal(n.source, '/x');
});

test('bind: the default type, read-only unless rw', () => {
  assert.equal(parseRunMount('target=/src').type, 'bind');
  assert.equal(parseRunMount('target=/src').readOnly, true);
  assert.equal(parseRunMount('type=bind,target=/src,rw').readOnly, false);
  assert.equal(parseRunMount('type=bind,target=/src,readwrite=true').readOnly, false);
  assert.equal(parseRunMount('type=bind,target=/src,from=build,source=/out').from, 'build');
});

test('secret: target defaults to /run/secrets/<id>; env alone mounts no file', () => {
  const s = parseRunMount('type=secret,id=tok');
  assert.equal(s.target, '/run/secrets/tok');
  assert.equal(s.required, false);
  const e = parseRunMount('type=secret,id=tok,env=TOKEN,required');
  assert.equal(e.target, '');
  assert.equal(e.env, 'TOKEN');
  assert.equal(e.required, true);
  assert.equal(parseRunMount('type=secret,target=/etc/key').id, 'key');
  assert.equal(parseRunMount('type=secret,id=a,mode=0440,uid=5').mode, 0o440);
});

test('tmpfs: size in go-units', () => {
  assert.equal(parseRunMount('type=tmpfs,target=/t,size=64m').size, 64 * 1024 * 1024);
  assert.equal(parseRunMount('type=tmpfs,target=/t,size=1024').size, 1024);
});

test('errors in BuildKit words', () => {
  assert.throws(() => parseRunMount('type=nope,target=/x', 3), /line 3: unsupported mount type "nope"/);
  assert.throws(() => parseRunMount('type=cache,target=/x,bogus=1'), /unexpected key 'bogus' in 'bogus=1'/);
  assert.throws(() => parseRunMount('type=cache,target=/x,sharing=all'), /unsupported sharing value "all"/);
  assert.throws(() => parseRunMount('type=cache'), /mount destination must be specified/);
  assert.throws(() => parseRunMount('type=tmpfs,target=/t,size=lots'), /invalid size/);
  assert.throws(() => parseRunMount('type=cache,target=/x,uid=me'), /invalid value for uid: me/);
  assert.throws(() => parseRunMount('type=bind,target=/x,env=A'), /unexpected key 'env' for mount type 'bind'/);
});
