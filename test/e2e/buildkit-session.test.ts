import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from './archive-util.js';
import { buildxSkip, installBuildx } from './buildx-plugin.js';
import type { RunResult } from './clients.js';
import { dockerOk, eventually, startDaemon, type Daemon } from './harness.js';
import { startRegistry, startTokenServer, type TestRegistry } from './registry-util.js';

/**
 * A tiny SSH agent client (static, so it runs in a scratch image): asks the agent at
 * $SSH_AUTH_SOCK for its identities (SSH2_AGENTC_REQUEST_IDENTITIES) and prints the socket, their
 * count and their comments. Only a real agent's answer gets past its checks.
 */
const AGENT_LIST_C = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
static int readn(int fd, unsigned char *b, size_t n) { size_t g = 0; while (g < n) { ssize_t r = read(fd, b + g, n - g); if (r <= 0) return -1; g += r; } return 0; }
static unsigned u32(const unsigned char *p) { return (unsigned)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
int main(void) {
  const char *path = getenv("SSH_AUTH_SOCK");
  if (!path) { puts("no SSH_AUTH_SOCK"); return 2; }
  printf("socket %s\\n", path);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 3; }
  unsigned char req[5] = { 0, 0, 0, 1, 11 };
  if (write(fd, req, 5) != 5) return 4;
  unsigned char h[4];
  if (readn(fd, h, 4)) return 5;
  unsigned len = u32(h);
  unsigned char *b = malloc(len);
  if (len < 5 || readn(fd, b, len) || b[0] != 12) { puts("not an identities answer"); return 6; }
  unsigned n = u32(b + 1), off = 5;
  printf("%u identities\\n", n);
  for (unsigned i = 0; i < n; i++) {
    unsigned kl = u32(b + off); off += 4 + kl;
    unsigned cl = u32(b + off); off += 4;
    printf("identity %.*s\\n", (int)cl, (char *)b + off); off += cl;
  }
  return 0;
}
`;

// What a BuildKit build asks of the client's session besides the context: registry credentials (Auth), its SSH agent (SSH).
describe('BuildKit session services through buildx', { skip: buildxSkip }, () => {
  let tmp: string;
  let reg: TestRegistry;
  let tokenReg: TestRegistry;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let pusher: Daemon;
  let d: Daemon;
  let n = 0;
  const stops: Array<() => Promise<void>> = [];
  const docker = (args: string[]): Promise<RunResult> => d.docker(args, { timeoutMs: 120_000 });
  const context = (files: Record<string, string>): Promise<string> => writeTree(join(tmp, `ctx${n++}`), files);
  const failure = (r: RunResult): string => `exit ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-3000)}`;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-bk-session-'));
    const htpasswd = join(tmp, 'htpasswd');
    await writeFile(htpasswd, execFileSync('htpasswd', ['-Bbn', 'alice', 's3cret']).toString());
    reg = await startRegistry(join(tmp, 'registry'), { htpasswd });
    stops.push(() => reg.stop());
    await mkdir(join(tmp, 'token'));
    tokens = await startTokenServer(join(tmp, 'token'), 'bob', 'hunter2', 'berth-bk-issuer');
    stops.push(() => tokens.stop());
    tokenReg = await startRegistry(join(tmp, 'tokenreg'), {
      token: { realm: tokens.realm, service: 'berth-bk', issuer: 'berth-bk-issuer', rootcertbundle: tokens.cert },
    });
    stops.push(() => tokenReg.stop());
    pusher = await startDaemon();
    stops.push(() => pusher.stop());
    // The building daemon starts with an empty store: its FROM image can only come from the registry.
    d = await startDaemon({ noBusybox: true, config: { 'shutdown-timeout': 120 } });
    stops.push(() => d.stop());
    await installBuildx(d);
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("a FROM image not in the store is pulled with the client's docker login credentials, asked through its session", async () => {
    const base = `${reg.host}/base/bb:1`;
    await dockerOk(pusher, ['login', '-u', 'alice', '-p', 's3cret', reg.host]);
    await dockerOk(pusher, ['tag', 'busybox', base]);
    await dockerOk(pusher, ['push', base]);
    await dockerOk(pusher, ['tag', 'busybox', `${reg.host}/base/bb:2`]);
    await dockerOk(pusher, ['push', `${reg.host}/base/bb:2`]);
    const dir = await context({ Dockerfile: `FROM ${base}\nRUN echo built-on-pulled > /p\nCMD ["cat", "/p"]\n` });

    // Not logged in: the registry refuses the anonymous pull, and the build says so.
    let r = await docker(['build', '--progress=plain', '-t', 'bk-pulled', dir]);
    assert.equal(r.code, 1, failure(r));
    assert.match(
      r.stderr,
      new RegExp(
        `ERROR: failed to solve: ${base.replace(/[.]/g, '\\.')}: failed to resolve source metadata for ${base.replace(/[.]/g, '\\.')}: .*unauthorized`,
        'i',
      ),
    );

    await dockerOk(d, ['login', '-u', 'alice', '-p', 's3cret', reg.host]);
    r = await docker(['build', '--progress=plain', '-t', 'bk-pulled', dir]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-pulled']), 'built-on-pulled\n');
    const esc = base.replace(/[.]/g, '\\.');
    assert.match(r.stderr, new RegExp(`^#\\d+ resolve ${esc}( [\\d.]+s)? done$`, 'm'), 'the pull shows under the FROM step');
    assert.match(r.stderr, /^#\d+ sha256:[0-9a-f]{12} [\d.]+[kM]?B \/ [\d.]+[kM]?B [\d.]+s done$/m, r.stderr);
    assert.match(r.stderr, /^#\d+ extracting sha256:[0-9a-f]{12} [\d.]+s done$/m);
    // COPY --from an image the store lacks: pulled the same way.
    const copied = await context({ Dockerfile: `FROM scratch\nCOPY --from=${reg.host}/base/bb:2 /bin/busybox /busybox\n` });
    r = await docker(['build', '--progress=plain', '-t', 'bk-copied', copied]);
    assert.equal(r.code, 0, failure(r));
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-copied', '/busybox', 'echo', 'copied-from-pulled']), 'copied-from-pulled\n');
    assert.doesNotMatch(d.log(), /s3cret/, 'the password is never logged');
  });

  it('a registry with token auth (Bearer realm): the session gives the credentials, berthd fetches the token', async () => {
    const image = `${tokenReg.host}/tok/app:t1`;
    await dockerOk(pusher, ['login', '-u', 'bob', '-p', 'hunter2', tokenReg.host]);
    await dockerOk(pusher, ['tag', 'busybox', image]);
    await dockerOk(pusher, ['push', image]);
    await dockerOk(d, ['login', '-u', 'bob', '-p', 'hunter2', tokenReg.host]);
    const before = tokens.issued();
    const r = await docker(['build', '--progress=plain', '-t', 'bk-token', await context({ Dockerfile: `FROM ${image}\nRUN echo tok > /t\n` })]);
    assert.equal(r.code, 0, failure(r));
    assert.ok(tokens.issued() > before, 'the pull fetched a token from the realm');
    assert.equal(await dockerOk(d, ['run', '--rm', 'bk-token', 'cat', '/t']), 'tok\n');
  });

  it("RUN --mount=type=ssh reaches the client's SSH agent through the session (--ssh default=…); a required agent not forwarded fails the build", async () => {
    const agentDir = join(tmp, 'agent');
    await mkdir(agentDir);
    const sock = join(agentDir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const agentExit = new Promise<void>((r) => agent.once('exit', () => r()));
    stops.push(async () => {
      agent.kill('SIGTERM');
      await agentExit;
    });
    await eventually('ssh-agent to listen', async () => existsSync(sock), 10_000);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berth-test-key', '-f', join(agentDir, 'id')]);
    execFileSync('ssh-add', ['-q', join(agentDir, 'id')], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
    const dir = await context({
      Dockerfile: 'FROM scratch\nCOPY agent-list /agent-list\nRUN --mount=type=ssh ["/agent-list"]\n',
      'agent-list.c': AGENT_LIST_C,
    });
    execFileSync('gcc', ['-static', '-Os', '-o', join(dir, 'agent-list'), join(dir, 'agent-list.c')]);
    let r = await docker(['build', '--progress=plain', '--ssh', `default=${sock}`, dir]);
    assert.equal(r.code, 0, failure(r));
    assert.match(r.stderr, /^#\d+ [\d.]+ socket \/run\/buildkit\/ssh_agent\.0$/m, r.stderr);
    assert.match(r.stderr, /^#\d+ [\d.]+ 1 identities$/m, r.stderr);
    assert.match(r.stderr, /^#\d+ [\d.]+ identity berth-test-key$/m, r.stderr);

    const required = await context({ Dockerfile: 'FROM scratch\nRUN --mount=type=ssh,required ["/nothing"]\n' });
    r = await docker(['build', '--progress=plain', required]);
    assert.equal(r.code, 1, failure(r));
    // buildx always exposes its SSH service; its CheckAgent refuses an ID it was not given (BuildKit passes that on).
    assert.match(r.stderr, /ERROR: failed to solve: unset ssh forward key default/, r.stderr);
  });

  // Last: it stops the daemon.
  it('a stopping berthd closes its BuildKit connections: the build in progress fails, berthd does not wait out the shutdown timeout', async () => {
    const dir = await context({ Dockerfile: 'FROM bk-pulled\nRUN echo started && sleep 600\n' });
    const build = docker(['build', '--progress=plain', dir]);
    await eventually('the RUN step to run', async () => (await dockerOk(d, ['ps', '-q'])).trim() !== '', 60_000);
    process.kill(d.pid, 'SIGTERM');
    // shutdown-timeout is 120 s here: only connections berthd leaves open would make it wait that long.
    const status = await eventually('berthd to exit', async () => d.exitStatus, 60_000);
    assert.deepEqual(status, { code: 0, signal: null });
    const r = await build;
    assert.notEqual(r.code, 0, 'the client sees its build end with the daemon');
  });
});
