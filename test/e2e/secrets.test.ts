/**
 * Secrets stay secret: with `credsStore` / `credHelpers` in the client config, `berth login`
 * hands the password to `docker-credential-<helper>` (a recording fake on PATH here) and
 * config.json never holds it; `berthd -D` logs no build-arg values, auth headers or secret
 * query values.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type Daemon } from './harness.js';
import { startRegistry, type TestRegistry } from './registry-util.js';

const PASSWORD = 'pw-7f3a9-secret';
const BUILD_SECRET = 'ba-91c4e-secret';

/** A credential helper that keeps one credential in a file and records every call (`action input`). */
function helperScript(store: string): string {
  return `#!/bin/sh
action="$1"
input=$(cat)
printf '%s %s\\n' "$action" "$input" >> "${store}/calls.log"
case "$action" in
  store) printf '%s' "$input" > "${store}/stored.json" ;;
  get) if [ -f "${store}/stored.json" ] && grep -q "\\"ServerURL\\":\\"$input\\"" "${store}/stored.json"; then cat "${store}/stored.json"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase) rm -f "${store}/stored.json" ;;
esac
`;
}

describe('secrets', () => {
  let tmp: string;
  let reg: TestRegistry;
  let d: Daemon;
  let store: string;
  const savedPath = process.env.PATH;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-secrets-'));
    const htpasswd = join(tmp, 'htpasswd');
    await writeFile(htpasswd, execFileSync('htpasswd', ['-Bbn', 'alice', PASSWORD]).toString());
    reg = await startRegistry(join(tmp, 'reg'), { htpasswd });
    store = join(tmp, 'helper');
    const bin = join(tmp, 'bin');
    await mkdir(store);
    await mkdir(bin);
    await writeFile(join(bin, 'docker-credential-berthtest'), helperScript(store));
    await chmod(join(bin, 'docker-credential-berthtest'), 0o755);
    // The clients' environment is taken from this process when the daemon starts.
    process.env.PATH = `${bin}:${savedPath}`;
    d = await startDaemon({ args: ['-D'], config: { 'insecure-registries': [reg.host] } });
  });
  after(async () => {
    process.env.PATH = savedPath;
    await d?.stop();
    await reg?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const configPath = (): string => join(d.dir, 'docker-config', 'config.json');
  const calls = async (): Promise<string> => readFile(join(store, 'calls.log'), 'utf8').catch(() => '');
  const ok = async (client: 'docker' | 'berth', args: string[], input?: string): Promise<string> => {
    const r = await d[client](args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
    assert.equal(r.code, 0, `${client} ${args.join(' ')}: ${r.stderr}\n${r.stdout}\n${d.log().slice(-2000)}`);
    return r.stdout;
  };

  it('credsStore: login stores through the helper, config.json keeps no password; push, pull and logout use the helper', async () => {
    await writeFile(configPath(), JSON.stringify({ credsStore: 'berthtest' }));
    assert.match(await ok('berth', ['login', '-u', 'alice', '--password-stdin', reg.host], `${PASSWORD}\n`), /Login Succeeded/);
    const text = await readFile(configPath(), 'utf8');
    assert.ok(!text.includes(PASSWORD) && !text.includes(Buffer.from(`alice:${PASSWORD}`).toString('base64')), text);
    const cfg = JSON.parse(text) as { auths: Record<string, unknown>; credsStore: string };
    assert.deepEqual(cfg.auths[reg.host], {});
    assert.equal(cfg.credsStore, 'berthtest');
    assert.ok((await calls()).includes(`store {"ServerURL":"${reg.host}","Username":"alice","Secret":"${PASSWORD}"}`), await calls());

    await ok('berth', ['tag', 'busybox', `${reg.host}/team/app:1`]);
    assert.match(await ok('berth', ['push', `${reg.host}/team/app:1`]), /1: digest: sha256:/);
    assert.ok((await calls()).includes(`get ${reg.host}`), 'push asked the helper');
    // The docker CLI reads the same config and asks the same helper.
    await ok('berth', ['rmi', `${reg.host}/team/app:1`]);
    await ok('docker', ['pull', `${reg.host}/team/app:1`]);

    assert.match(await ok('berth', ['logout', reg.host]), /Removing login credentials/);
    assert.ok((await calls()).includes(`erase ${reg.host}`));
    assert.equal((JSON.parse(await readFile(configPath(), 'utf8')) as { auths: Record<string, unknown> }).auths[reg.host], undefined);
    const anon = await d.berth(['pull', `${reg.host}/team/app:1`]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /unauthorized/);
  });

  it("credHelpers: the registry's own helper is used", async () => {
    await writeFile(configPath(), JSON.stringify({ credHelpers: { [reg.host]: 'berthtest' } }));
    const before = (await calls()).length;
    await ok('berth', ['login', '-u', 'alice', '-p', PASSWORD, reg.host]);
    assert.ok(!(await readFile(configPath(), 'utf8')).includes(PASSWORD));
    assert.match((await calls()).slice(before), /^store /m);
    await ok('berth', ['pull', `${reg.host}/team/app:1`]);
    await ok('berth', ['logout', reg.host]);
  });

  it('berthd -D logs no build-arg values, registry credentials or secret query values', async () => {
    const ctx = join(tmp, 'ctx');
    await mkdir(ctx);
    await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\nARG API_TOKEN\nRUN test "$API_TOKEN" = "' + BUILD_SECRET + '"\n');
    await ok('docker', ['build', '--build-arg', `API_TOKEN=${BUILD_SECRET}`, '-t', 'secret-build', ctx]);
    // X-Registry-Auth with the password (the docker CLI sends it on pull).
    await writeFile(configPath(), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } } }));
    await ok('docker', ['pull', `${reg.host}/team/app:1`]);
    // Authorization header and secrets in query strings, on a plain route and an upgrade.
    await d.api('GET', `/images/json?password=${PASSWORD}&auth=${PASSWORD}&registryToken=${PASSWORD}`, undefined, { Authorization: `Bearer ${PASSWORD}` });
    await d.api('POST', '/auth', { username: 'alice', password: PASSWORD, serveraddress: reg.host });
    const log = d.log();
    assert.match(log, /POST \/v[\d.]+\/build\?.*buildargs=\*\*\*\*\*/, 'the build request was logged, masked');
    assert.match(log, /GET \/images\/json\?password=\*\*\*\*\*&auth=\*\*\*\*\*&registryToken=\*\*\*\*\*/);
    for (const secret of [BUILD_SECRET, PASSWORD, Buffer.from(`alice:${PASSWORD}`).toString('base64'), encodeURIComponent(BUILD_SECRET)]) {
      assert.ok(!log.includes(secret), `berthd's log shows ${secret}`);
    }
  });
});
