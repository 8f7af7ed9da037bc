import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, runProgram } from './clients.js';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { makeTestCerts, type TestCerts } from './tls-certs.js';

// The API's door: the unix socket's mode and group, the TCP listener's mutual TLS, plain TCP refused.

const BERTH = join(ROOT, 'dist', 'bin', 'berth.cjs');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

async function gidOf(group: string): Promise<number | undefined> {
  const r = await runProgram('getent', ['group', group], process.env);
  return r.code === 0 ? Number(r.stdout.split(':')[2]) : undefined;
}

/** A client environment with no docker/berth settings of the user's (and none of the harness's unix socket). */
function cleanEnv(d: Daemon, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(d.dir, 'docker-config'), DOCKER_CLI_HINTS: 'false', ...extra };
  for (const k of ['DOCKER_HOST', 'BERTH_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH']) if (!(k in extra)) delete env[k];
  return env;
}

/** A raw HTTPS request with the given client identity; resolves with the status or rejects with the TLS error. */
function httpsGet(port: number, certs: TestCerts, identity?: { cert: string; key: string }, path = '/_ping'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: readFileSync(certs.ca),
        ...(identity ? { cert: readFileSync(identity.cert), key: readFileSync(identity.key) } : {}),
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('API door: the unix socket', () => {
  it('is 0660 and owned by the berth group, or root:root with a warning when the group is missing', async () => {
    const d = await startDaemon({ noBusybox: true });
    try {
      const st = await stat(d.socket);
      assert.equal(st.mode & 0o777, 0o660);
      assert.equal(st.uid, 0);
      const gid = await gidOf('berth');
      if (gid === undefined) {
        assert.equal(st.gid, 0);
        assert.match(d.log(), /could not change group .*berthd\.sock to berth: group berth not found/);
      } else assert.equal(st.gid, gid);
    } finally {
      await d.stop();
    }
  });

  it('takes its group from --group (and daemon.json "group" the same way)', async () => {
    const gid = await gidOf('daemon');
    assert.ok(gid !== undefined, 'the host has no "daemon" group');
    const d = await startDaemon({ noBusybox: true, args: ['--group', 'daemon'] });
    try {
      const st = await stat(d.socket);
      assert.equal(st.gid, gid);
      assert.equal(st.mode & 0o777, 0o660);
    } finally {
      await d.stop();
    }
  });

  it('refuses to start with a group that does not exist when it was named explicitly', async () => {
    await assert.rejects(startDaemon({ noBusybox: true, args: ['-G', 'no-such-group-berth'] }), /group no-such-group-berth not found/);
  });
});

describe('API door: TCP with mutual TLS', () => {
  let certs: TestCerts;
  let d: Daemon;
  let port: number;
  let tlsFlags: string[];
  before(async () => {
    certs = await makeTestCerts();
    port = await freePort();
    d = await startDaemon({
      args: [
        '-H',
        `tcp://127.0.0.1:${port}`,
        '--tlsverify',
        '--tlscacert',
        certs.ca,
        '--tlscert',
        certs.serverCert,
        '--tlskey',
        certs.serverKey,
        '--ui',
        '127.0.0.1:0',
      ],
    });
    tlsFlags = ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', certs.ca, '--tlscert', certs.clientCert, '--tlskey', certs.clientKey];
  });
  after(async () => {
    await d?.stop();
    await certs?.remove();
  });

  it('serves the real docker CLI with --tlsverify (requests and an attached run)', async () => {
    const v = await runProgram('docker', [...tlsFlags, 'version', '--format', '{{.Server.Version}}'], cleanEnv(d));
    assert.equal(v.code, 0, v.stderr);
    const r = await runProgram('docker', [...tlsFlags, 'run', '--rm', 'busybox', 'echo', 'over tls'], cleanEnv(d));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'over tls\n');
  });

  it('serves docker and berth configured by DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const env = cleanEnv(d, { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.clientDir });
    const dk = await runProgram('docker', ['ps', '-a', '--format', '{{.ID}}'], env);
    assert.equal(dk.code, 0, dk.stderr);
    const b = await runProgram(process.execPath, [BERTH, 'run', '--rm', 'busybox', 'echo', 'berth over tls'], env);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, 'berth over tls\n');
  });

  it('serves berth with the --tlsverify flags', async () => {
    const b = await runProgram(process.execPath, [BERTH, ...tlsFlags, 'version', '--format', '{{.Server.Version}}'], cleanEnv(d));
    assert.equal(b.code, 0, b.stderr);
    assert.ok(b.stdout.trim().length > 0);
  });

  it('answers a client with a cert of its CA, and refuses one without a cert or with a cert of another CA', async () => {
    assert.equal(await httpsGet(port, certs, { cert: certs.clientCert, key: certs.clientKey }), 200);
    await assert.rejects(httpsGet(port, certs), (err: NodeJS.ErrnoException) =>
      /certificate|alert|socket hang up|ECONNRESET/i.test(`${err.code} ${err.message}`),
    );
    await assert.rejects(httpsGet(port, certs, { cert: certs.rogueCert, key: certs.rogueKey }), (err: NodeJS.ErrnoException) =>
      /certificate|alert|socket hang up|ECONNRESET|unknown ca/i.test(`${err.code} ${err.message}`),
    );
    const noCert = await runProgram('docker', ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', certs.ca, 'version'], cleanEnv(d));
    assert.notEqual(noCert.code, 0);
    const plain = await runProgram('docker', ['-H', `tcp://127.0.0.1:${port}`, 'version'], cleanEnv(d));
    assert.notEqual(plain.code, 0, 'plain HTTP to the TLS port must fail');
    // Nothing of this hurt the daemon.
    assert.equal((await d.api('GET', '/_ping')).status, 200);
  });

  it('puts the dashboard behind the same mutual TLS: a client certificate of the CA stands in for the token', async () => {
    const ui = await eventually('the dashboard address in the log', async () => /dashboard: https:\/\/127\.0\.0\.1:(\d+)\//.exec(d.log())?.[1]);
    const uiPort = Number(ui);
    assert.equal(await httpsGet(uiPort, certs, { cert: certs.clientCert, key: certs.clientKey }, '/ui/api/containers'), 200);
    await assert.rejects(httpsGet(uiPort, certs, undefined, '/ui/api/containers'), (err: NodeJS.ErrnoException) =>
      /certificate|alert|socket hang up|ECONNRESET/i.test(`${err.code} ${err.message}`),
    );
    await assert.rejects(httpsGet(uiPort, certs, { cert: certs.rogueCert, key: certs.rogueKey }, '/metrics'), (err: NodeJS.ErrnoException) =>
      /certificate|alert|socket hang up|ECONNRESET|unknown ca/i.test(`${err.code} ${err.message}`),
    );
  });
});

describe('API door: plain TCP', () => {
  it('is refused at start without TLS, naming the way out', async () => {
    const port = await freePort();
    await assert.rejects(
      startDaemon({ noBusybox: true, args: ['-H', `tcp://127.0.0.1:${port}`] }),
      /refusing to listen on tcp:\/\/127\.0\.0\.1:\d+: binding to an IP address without --tlsverify is insecure.*--tls=false/s,
    );
  });

  it('is refused with --tls but without client verification, unless --tlsverify=false says so', async () => {
    const port = await freePort();
    await assert.rejects(startDaemon({ noBusybox: true, args: ['-H', `tcp://127.0.0.1:${port}`, '--tls'] }), /refusing to listen/);
  });

  it('runs when forced with --tls=false, warning loudly', async () => {
    const port = await freePort();
    const d = await startDaemon({ noBusybox: true, args: ['-H', `tcp://127.0.0.1:${port}`, '--tls=false'] });
    try {
      assert.match(d.log(), /WARNING: binding to tcp:\/\/127\.0\.0\.1:\d+ without --tlsverify is insecure/);
      const r = await runProgram('docker', ['-H', `tcp://127.0.0.1:${port}`, 'version', '--format', '{{.Server.Version}}'], cleanEnv(d));
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await d.stop();
    }
  });
});
