import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import type { ContainerConfig, HostConfig } from '../../../core/containers.js';
import { context, emptySpec } from './fixture.js';
import { DEFAULT_PATH, withProcess } from './process.js';
import type { SpecContext } from './types.js';

function proc(config: ContainerConfig = {}, hc: HostConfig = {}, over: Partial<SpecContext> = {}) {
  const spec = emptySpec();
  withProcess(spec, context(config, hc, over));
  return spec.process!;
}

test('args, cwd, user, terminal and Docker defaults', () => {
  const p = proc({}, {}, { user: { uid: 1000, gid: 100, additionalGids: [100, 10], home: '/home/u' } });
  assert.deepEqual(p.args, ['/bin/sh', '-c', 'echo hi']);
  assert.equal(p.cwd, '/');
  assert.deepEqual(p.user, { uid: 1000, gid: 100, additionalGids: [100, 10] });
  assert.equal(p.terminal, false);
  assert.equal(p.noNewPrivileges, false);
  assert.equal(p.oomScoreAdj, 0);
});

test('env: PATH and HOSTNAME defaults come first', () => {
  assert.deepEqual(proc({ Env: ['A=1'] }).env, [DEFAULT_PATH, 'HOSTNAME=c0ffee000000', 'A=1']);
});

test('env: the image or user PATH replaces the default in place', () => {
  assert.deepEqual(proc({ Env: ['A=1', 'PATH=/bin'] }).env, ['PATH=/bin', 'HOSTNAME=c0ffee000000', 'A=1']);
});

test('env: TERM=xterm only with a TTY and no TERM of its own', () => {
  assert.ok(proc({ Tty: true }).env!.includes('TERM=xterm'));
  assert.equal(proc({ Tty: true }).terminal, true);
  assert.ok(!proc({}).env!.some((e) => e.startsWith('TERM=')));
  const own = proc({ Tty: true, Env: ['TERM=dumb'] }).env!;
  assert.deepEqual(
    own.filter((e) => e.startsWith('TERM=')),
    ['TERM=dumb'],
  );
});

test('env: a bare key unsets a default; a repeated key keeps the last value', () => {
  assert.ok(!proc({ Env: ['HOSTNAME'] }).env!.some((e) => e.startsWith('HOSTNAME')));
  assert.deepEqual(proc({ Env: ['A=1', 'A=2'] }).env!.slice(2), ['A=2']);
});

test('cwd from WorkingDir; relative is rejected', () => {
  assert.equal(proc({ WorkingDir: '/srv/app' }).cwd, '/srv/app');
  assert.throws(
    () => proc({ WorkingDir: 'srv' }),
    (err) => isKind(err, 'InvalidArgument'),
  );
});

test('RLIMIT_NOFILE is 1048576 but never above the host hard limit', () => {
  assert.deepEqual(proc().rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  const roomy = proc({}, {}, { hostNofile: { soft: 1024, hard: 4_000_000 } });
  assert.deepEqual(roomy.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }]);
});

test('--ulimit replaces nofile (clamped) and adds others', () => {
  const p = proc(
    {},
    {
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 50000 },
        { Name: 'nproc', Soft: 100, Hard: 200 },
        { Name: 'CORE', Soft: 0, Hard: 0 },
      ],
    },
  );
  assert.deepEqual(p.rlimits, [
    { type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 },
    { type: 'RLIMIT_NPROC', soft: 100, hard: 200 },
    { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
  ]);
  const unlimited = proc({}, { Ulimits: [{ Name: 'nofile', Soft: -1, Hard: -1 }] });
  assert.deepEqual(unlimited.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  const highSoft = proc({}, { Ulimits: [{ Name: 'nofile', Soft: 30000, Hard: 30000 }] });
  assert.deepEqual(highSoft.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
});

test("the daemon's default ulimits apply unless the container names the same limit", () => {
  const defaultUlimits = [
    { Name: 'nproc', Soft: 50, Hard: 60 },
    { Name: 'core', Soft: 1, Hard: 2 },
  ];
  const p = proc({}, { Ulimits: [{ Name: 'CORE', Soft: 0, Hard: 0 }] }, { defaultUlimits });
  assert.deepEqual(p.rlimits, [
    { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
    { type: 'RLIMIT_NPROC', soft: 50, hard: 60 },
    { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
  ]);
});

test('bad ulimits are InvalidArgument', () => {
  const bad = (Name: string, Soft: number, Hard: number) =>
    assert.throws(
      () => proc({}, { Ulimits: [{ Name, Soft, Hard }] }),
      (err) => isKind(err, 'InvalidArgument'),
    );
  bad('bogus', 1, 1);
  bad('nproc', 10, 5);
  bad('core', -1, -1);
});

test('a container without a command is rejected', () => {
  const ctx = context();
  ctx.record.Path = '';
  assert.throws(() => withProcess(emptySpec(), ctx), /No command specified/);
});

test('capabilities set earlier survive', () => {
  const spec = emptySpec();
  spec.process = { user: { uid: 0, gid: 0 }, cwd: '/', capabilities: { bounding: ['CAP_KILL'] } };
  withProcess(spec, context());
  assert.deepEqual(spec.process.capabilities, { bounding: ['CAP_KILL'] });
});
