import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKind } from '../lib/errdefs.js';
import { parseConfigText } from './config-file.js';
import { loadConfig, parseFlags, reloadableChanges, readSettings, usage } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-config-test-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Loads the configuration from these flags and a daemon.json with this content. */
async function load(json: unknown, args: string[] = []) {
  const file = join(dir, `daemon-${n++}.json`);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return loadConfig(parseFlags(['--config-file', file, ...args]));
}

async function refused(json: unknown, args: string[], message: RegExp): Promise<void> {
  await assert.rejects(load(json, args), (err: Error) => {
    assert.ok(isKind(err, 'InvalidArgument'), err.message);
    assert.match(err.message, message);
    return true;
  });
}

test('defaults', async () => {
  const cfg = await load({});
  assert.equal(cfg.dataRoot, '/var/lib/berth');
  assert.equal(cfg.execRoot, '/run/berth');
  assert.equal(cfg.pidFile, '/run/berth/berthd.pid');
  assert.deepEqual(cfg.hosts, ['unix:///run/berth.sock']);
  assert.equal(cfg.runtime, '/usr/sbin/runc');
  assert.equal((await load({}, ['--runtime', '/opt/runc'])).runtimes.runc?.path, '/opt/runc');
  assert.equal(cfg.settings['max-concurrent-downloads'], 3);
  assert.equal(cfg.settings['log-driver'], 'json-file');
});

test('a --config-file that does not exist is an error', async () => {
  await assert.rejects(loadConfig(parseFlags(['--config-file', join(dir, 'missing.json')])), /unable to configure the Docker daemon with file .*missing\.json/);
});

test("Docker's keys apply, flags override defaults", async () => {
  const cfg = await load(
    {
      'data-root': '/srv/berth',
      'exec-root': '/run/b2',
      debug: true,
      labels: ['a=b'],
      dns: ['1.1.1.1'],
      'dns-search': ['example.com'],
      'dns-opts': ['ndots:2'],
      'default-ulimits': { nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 } },
      'default-address-pools': [{ base: '10.200.0.0/16', size: 24 }],
      'insecure-registries': ['10.0.0.0/8', 'reg.local:5000'],
      'registry-mirrors': ['https://mirror.local'],
      runtimes: { crun: { path: '/usr/bin/crun', runtimeArgs: ['--debug'] } },
      'default-runtime': 'crun',
      'log-driver': 'local',
      'log-opts': { 'max-size': '10m' },
      'max-concurrent-downloads': 7,
      'shutdown-timeout': 3,
      features: { buildkit: false },
    },
    ['--bip', '10.1.0.1/24'],
  );
  assert.equal(cfg.dataRoot, '/srv/berth');
  assert.equal(cfg.pidFile, '/run/b2/berthd.pid');
  assert.equal(cfg.debug, true);
  assert.equal(cfg.runtime, '/usr/bin/crun');
  assert.deepEqual(Object.keys(cfg.runtimes), ['runc', 'crun']);
  assert.equal(cfg.network.bip, '10.1.0.1/24');
  assert.deepEqual(cfg.network.pools, [{ base: '10.200.0.0/16', size: 24 }]);
  assert.deepEqual(cfg.registry.insecure, ['10.0.0.0/8', 'reg.local:5000']);
  assert.deepEqual(cfg.settings['default-ulimits'], [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.deepEqual(cfg.settings['log-opts'], { 'max-size': '10m' });
  assert.equal(cfg.settings['max-concurrent-downloads'], 7);
});

test('flags in their own syntax', async () => {
  const cfg = await load({}, [
    '-H',
    'unix:///tmp/a.sock',
    '-H',
    'fd://',
    '--default-ulimit',
    'nproc=10:20',
    '--log-opt',
    'max-file=3',
    '--add-runtime',
    'crun=/usr/bin/crun',
    '--default-address-pool',
    'base=10.9.0.0/16,size=26',
    '-D',
    '--max-concurrent-uploads',
    '2',
  ]);
  assert.deepEqual(cfg.hosts, ['unix:///tmp/a.sock', 'fd://']);
  assert.deepEqual(cfg.settings['default-ulimits'], [{ Name: 'nproc', Soft: 10, Hard: 20 }]);
  assert.deepEqual(cfg.settings['log-opts'], { 'max-file': '3' });
  assert.equal(cfg.runtimes.crun?.path, '/usr/bin/crun');
  assert.deepEqual(cfg.network.pools, [{ base: '10.9.0.0/16', size: 26 }]);
  assert.equal(cfg.debug, true);
  assert.equal(cfg.settings['max-concurrent-uploads'], 2);
});

test("unknown keys are refused in dockerd's words, all of them named", async () => {
  await refused({ debug: true, bogus: 1, 'also-bogus': 'x' }, [], /the following directives don't match any configuration option: bogus, also-bogus$/);
});

test("a key given as flag and in the file is refused in dockerd's words", async () => {
  await refused(
    { 'data-root': '/from/file', hosts: ['unix:///f.sock'] },
    ['--data-root', '/from/flag', '-H', 'unix:///x.sock'],
    /the following directives are specified both as a flag and in the configuration file: hosts: \(from flag: \[unix:\/\/\/x\.sock\], from file: \[unix:\/\/\/f\.sock\]\), data-root: \(from flag: \/from\/flag, from file: \/from\/file\)/,
  );
});

test('malformed JSON names the line and column', async () => {
  await refused('{\n  "debug": true,\n  "labels": [\'a\']\n}\n', [], /daemon-\d+\.json: invalid JSON at line 3, column 14: invalid character/);
  await refused('{\n  "debug": true,\n}\n', [], /line 3, column 1: a property name \(in double quotes\) expected/);
  await refused('{"debug": true', [], /line 1, column 15: '\}' expected/);
  await refused('[1, 2]', [], /must be a JSON object/);
});

test('wrong value types name the key as Go would', async () => {
  await refused({ debug: 'yes' }, [], /json: cannot unmarshal string into Go struct field Config\.debug of type bool/);
  await refused({ dns: '8.8.8.8' }, [], /cannot unmarshal string into Go struct field Config\.dns of type \[\]string/);
  await refused({ 'log-opts': { 'max-size': 10 } }, [], /Config\.log-opts of type map\[string\]string/);
  await refused({ 'max-concurrent-downloads': 1.5 }, [], /Config\.max-concurrent-downloads of type int/);
});

test('values are checked', async () => {
  await refused({ 'log-driver': 'syslog-ng' }, [], /no log driver named 'syslog-ng'/);
  await refused({ labels: ['novalue'] }, [], /bad attribute format: novalue/);
  await refused({ dns: ['not-an-ip'] }, [], /not-an-ip is not an ip address/);
  await refused({ 'storage-driver': 'zfs' }, [], /unsupported storage driver: zfs/);
  await refused({ 'default-runtime': 'kata' }, [], /default runtime kata does not exist/);
  await refused({ 'max-concurrent-downloads': 0 }, [], /invalid max concurrent downloads/);
  await refused({ 'registry-mirrors': ['mirror.local'] }, [], /invalid mirror/);
  await refused({}, ['--bip', 'nonsense'], /invalid bip: nonsense/);
  await refused({ 'default-ulimits': { bogus: { Name: 'bogus', Soft: 1, Hard: 1 } } }, [], /invalid ulimit type: bogus/);
  await refused({}, ['--default-ulimit', 'nproc=20:10'], /ulimit soft limit must be less than or equal to hard limit: 20 > 10/);
  await refused({}, ['--default-ulimit', 'nofile'], /invalid argument for --default-ulimit/);
});

test('unknown flags are refused', () => {
  assert.throws(() => parseFlags(['--no-such-flag']), /unknown flag: --no-such-flag/);
});

test('an empty file is an empty configuration; --help lists the flags', async () => {
  const cfg = await load('  \n');
  assert.equal(cfg.dataRoot, '/var/lib/berth');
  assert.match(usage(), /--config-file string\s+Daemon configuration file \(default "\/etc\/berth\/daemon\.json"\)/);
  assert.match(usage(), /-H, --host list/);
  assert.doesNotMatch(usage(), /registry-timeout/);
});

test('reloadableChanges lists only the reloadable keys that differ', async () => {
  const file = join(dir, 'reload.json');
  writeFileSync(file, JSON.stringify({ debug: false, labels: ['a=1'] }));
  const flags = parseFlags(['--config-file', file]);
  const before = (await readSettings(flags)).settings;
  writeFileSync(file, JSON.stringify({ debug: true, labels: ['a=1'], 'data-root': '/elsewhere' }));
  const after = (await readSettings(flags)).settings;
  assert.deepEqual(reloadableChanges(before, after), ['debug']);
});

test('parseConfigText keeps nested values', () => {
  assert.deepEqual(parseConfigText('{"runtimes": {"x": {"path": "/x"}}}'), { runtimes: { x: { path: '/x' } } });
});
