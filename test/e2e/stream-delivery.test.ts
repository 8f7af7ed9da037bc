/**
 * Output reaches attached clients whole, under load: the last output of a TTY container is
 * written to an attach stream before its end and before `wait` answers (dockerode's `run` returns
 * at `wait`; the two sockets may be read in either order by a busy client), and an
 * exec's first bytes are not lost between its start and its output's subscriber. Each scenario
 * repeats, with a CPU burner started (and killed by pid) by the test, since both losses only
 * showed on a busy machine.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { runProgram } from './clients.js';
import { dockerOk, startDaemon, type Daemon } from './harness.js';

const ROUNDS = 12;

describe('stream delivery under load', { timeout: 600_000 }, () => {
  let d: Daemon;
  let burner: ChildProcess | undefined;
  before(async () => {
    d = await startDaemon();
    burner = spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' });
  });
  after(async () => {
    if (burner?.pid !== undefined) process.kill(burner.pid, 'SIGKILL');
    await d?.stop();
  });

  it('dockerode docker.run with Tty: the output is in the stream when run returns', async () => {
    const docker = new Docker({ socketPath: d.socket });
    for (let i = 0; i < ROUNDS; i++) {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
      // The attach stream ends once berthd has sent the container's last output; `wait`'s answer
      // comes on another socket, which a busy client may read first: the output must be in the
      // stream by its end (a lost one never comes), bounded so that a stream left open fails too.
      const ended = new Promise<void>((resolve) => out.on('end', resolve));
      const [data, ct] = (await docker.run('busybox', ['sh', '-c', 'echo attached; exit 4'], out, { Tty: true })) as [{ StatusCode: number }, Docker.Container];
      const bounded = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      const got = Buffer.concat(chunks).toString();
      assert.ok(bounded, `round ${i}: the attach stream did not end`);
      await ct.remove();
      assert.equal(data.StatusCode, 4);
      assert.equal(got, 'attached\r\n', `round ${i}`);
    }
  });

  it('docker-py: attach then wait gets the last output of a non-TTY container', async () => {
    const script = [
      'import docker',
      `c = docker.APIClient(base_url="unix://${d.socket}")`,
      'bad = []',
      `for i in range(${ROUNDS}):`,
      '    ct = c.create_container("busybox", ["sh", "-c", "echo one; echo two >&2; exit 3"])',
      '    s = c.attach(ct, stream=True, logs=False, demux=True)',
      '    c.start(ct)',
      '    code = c.wait(ct)["StatusCode"]',
      '    got = list(s)',
      '    out = b"".join(o for o, _ in got if o)',
      '    err = b"".join(e for _, e in got if e)',
      '    if (code, out, err) != (3, b"one\\n", b"two\\n"): bad.append((i, code, out, err))',
      '    c.remove_container(ct)',
      'print(bad)',
    ].join('\n');
    const r = await runProgram('python3', ['-c', script], process.env, { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '[]');
  });

  it('exec -t: the first bytes are there (docker CLI and docker-py)', async () => {
    const id = (await dockerOk(d, ['run', '-d', 'busybox', 'sleep', '600'])).trim();
    for (let i = 0; i < ROUNDS; i++) {
      const r = await d.docker(['exec', '-t', id, 'sh', '-c', 'echo hello out; echo hello err >&2']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hello out\r\nhello err\r\n', `round ${i}`);
    }
    const script = [
      'import docker',
      `c = docker.DockerClient(base_url="unix://${d.socket}")`,
      `ct = c.containers.get("${id}")`,
      'bad = []',
      `for i in range(${ROUNDS}):`,
      '    code, out = ct.exec_run(["sh", "-c", "echo hello out; echo hello err >&2"], tty=True)',
      '    if (code, out) != (0, b"hello out\\r\\nhello err\\r\\n"): bad.append((i, code, out))',
      '    code, out = ct.exec_run(["sh", "-c", "echo plain"])',
      '    if (code, out) != (0, b"plain\\n"): bad.append((i, code, out))',
      'print(bad)',
    ].join('\n');
    const r = await runProgram('python3', ['-c', script], process.env, { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '[]');
    await dockerOk(d, ['rm', '-f', id]);
  });
});
