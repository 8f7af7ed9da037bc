/**
 * No container makes berthd grow without bound: a log "line" of 64 MiB without a newline, an
 * attach client and an exec client that stop reading while the container writes hundreds of
 * MiB. berthd's resident memory is sampled while each runs (and its VmHWM read) and must stay
 * within a generous bound of where it started.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { startRegistry, type TestRegistry } from './registry-util.js';

const MiB = 1024 * 1024;
/** The bound of every case: far below what buffering the output would cost (64–256 MiB + overhead). */
const BOUND_KIB = 150 * 1024;

function statusField(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (m === null) throw new Error(`no ${field}`);
  return Number(m[1]);
}

/**
 * Samples berthd's VmRSS every 100 ms while `fn` runs; the peak is VmHWM when that rose during
 * `fn` (it is exact), else the highest sample.
 */
async function peakDuring(pid: number, fn: () => Promise<void>): Promise<{ before: number; peak: number }> {
  const status = (): Promise<string> => readFile(`/proc/${pid}/status`, 'utf8');
  const s0 = await status();
  const before = statusField(s0, 'VmRSS');
  const hwm0 = statusField(s0, 'VmHWM');
  let sampled = before;
  let running = true;
  const sampler = (async () => {
    while (running) {
      sampled = Math.max(sampled, statusField(await status(), 'VmRSS'));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await fn();
  } finally {
    running = false;
    await sampler;
  }
  const hwm1 = statusField(await status(), 'VmHWM');
  return { before, peak: hwm1 > hwm0 ? hwm1 : sampled };
}

/** An upgraded (hijacked) POST on a raw socket; resolves once the 101 head has arrived. */
async function hijack(socketPath: string, path: string, body?: unknown): Promise<Socket> {
  const s = connect(socketPath);
  s.on('error', () => undefined);
  const json = body === undefined ? '' : JSON.stringify(body);
  s.write(
    `POST ${path} HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.pause();
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`not upgraded: ${head.slice(0, 200)}`));
      else resolve();
    };
    s.on('data', onData);
  });
  return s;
}

/** Reads what is left on a paused socket until it closes; the byte count. */
function drain(s: Socket): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    s.on('data', (d: Buffer) => (n += d.length));
    s.once('close', () => resolve(n));
    s.resume();
  });
}

/** Pushes a blob to a registry over its HTTP API (monolithic upload); its digest. */
async function pushBlob(host: string, repo: string, body: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = new URL(start.headers.get('location')!, `http://${host}/`);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(body), headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201, await put.text());
  return digest;
}

describe('memory bounds', () => {
  let d: Daemon;
  let tmp: string;
  let reg: TestRegistry;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'berth-bounds-'));
    reg = await startRegistry(join(tmp, 'reg'));
    d = await startDaemon({ config: { 'insecure-registries': [reg.host] } });
  });
  after(async () => {
    await d?.stop();
    await reg?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.docker(args, { timeoutMs: 120_000 });
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}\n${d.log().slice(-2000)}`);
    return r.stdout;
  };
  const report = (what: string, m: { before: number; peak: number }): void => {
    process.stderr.write(`# memory-bounds: ${what}: berthd RSS ${m.before} KiB before, peak ${m.peak} KiB (+${((m.peak - m.before) / 1024).toFixed(1)} MiB)\n`);
  };

  it("64 MiB without a newline: memory stays flat, logs come back as Docker's 16 KiB partial messages", async () => {
    const size = 64 * MiB;
    const id = (await ok(['create', 'busybox', 'sh', '-c', `head -c ${size} /dev/zero | tr '\\0' x`])).trim();
    const m = await peakDuring(d.pid, async () => {
      await ok(['start', id]);
      assert.equal((await ok(['wait', id])).trim(), '0');
    });
    report('64 MiB log line', m);
    assert.ok(m.peak - m.before < BOUND_KIB, `berthd grew by ${m.peak - m.before} KiB`);

    // The json-file holds 16 KiB partial entries (no newline), as Docker's copier writes them.
    const bundle = join(d.dataRoot, 'containers', id);
    const jsonLog = (await readdir(bundle)).find((f) => f.endsWith('-json.log'))!;
    const first = JSON.parse((await readFile(join(bundle, jsonLog), 'utf8')).split('\n', 1)[0]!) as { log: string; stream: string };
    assert.equal(first.stream, 'stdout');
    assert.equal(first.log, 'x'.repeat(16 * 1024));

    // `logs` returns every byte, in frames of at most 16 KiB, and nothing but the output.
    const frames = await new Promise<{ total: number; largest: number; count: number; clean: boolean }>((resolve, reject) => {
      request({ socketPath: d.socket, path: `/containers/${id}/logs?stdout=1&stderr=1` }, (res) => {
        let pending = Buffer.alloc(0);
        const r = { total: 0, largest: 0, count: 0, clean: true };
        res.on('data', (c: Buffer) => {
          pending = Buffer.concat([pending, c]);
          while (pending.length >= 8) {
            const len = pending.readUInt32BE(4);
            if (pending.length < 8 + len) break;
            const payload = pending.subarray(8, 8 + len);
            if (pending[0] !== 1 || payload.some((b) => b !== 0x78)) r.clean = false;
            r.total += len;
            r.count++;
            r.largest = Math.max(r.largest, len);
            pending = pending.subarray(8 + len);
          }
        });
        res.on('end', () => resolve(r));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(frames.total, size);
    assert.ok(frames.clean, 'only stdout frames of x');
    assert.equal(frames.largest, 16 * 1024);
    assert.equal(frames.count, size / (16 * 1024));
  });

  it('an attach client that stops reading: berthd lets it fall behind, then ends its stream', async () => {
    const size = 256 * MiB;
    const id = (
      await ok(['create', '--log-opt', 'max-size=8m', '--log-opt', 'max-file=2', 'busybox', 'sh', '-c', `head -c ${size} /dev/zero | tr '\\0' x`])
    ).trim();
    const s = await hijack(d.socket, `/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
    const m = await peakDuring(d.pid, async () => {
      await ok(['start', id]);
      assert.equal((await ok(['wait', id])).trim(), '0');
      // The pump has converted all of it once the stream has been ended for the stalled reader.
      await eventually('the stalled reader cut off', async () => /fell \d+ bytes behind/.test(d.log()), 60_000);
    });
    report('attach, reader stalled during 256 MiB', m);
    assert.ok(m.peak - m.before < BOUND_KIB, `berthd grew by ${m.peak - m.before} KiB`);
    const got = await drain(s);
    assert.ok(got < size, `the stalled client got ${got} of ${size} bytes: its stream was ended, not buffered`);
    assert.equal((await ok(['run', '--rm', 'busybox', 'echo', 'still fine'])).trim(), 'still fine');
  });

  it('an exec client that stops reading: berthd disconnects it instead of buffering', async () => {
    const size = 256 * MiB;
    const id = (await ok(['run', '-d', 'busybox', 'sleep', '300'])).trim();
    const created = await d.api('POST', `/containers/${id}/exec`, {
      AttachStdout: true,
      AttachStderr: true,
      Cmd: ['sh', '-c', `head -c ${size} /dev/zero | tr '\\0' y`],
    });
    assert.equal(created.status, 201, created.body);
    const execId = (created.json as { Id: string }).Id;
    let s: Socket | undefined;
    const m = await peakDuring(d.pid, async () => {
      s = await hijack(d.socket, `/exec/${execId}/start`, { Detach: false, Tty: false });
      await eventually(
        'the exec finished',
        async () => {
          const r = (await d.api('GET', `/exec/${execId}/json`)).json as { Running: boolean; ExitCode: number | null };
          return !r.Running && r.ExitCode !== null;
        },
        120_000,
      );
    });
    report('exec, reader stalled during 256 MiB', m);
    assert.ok(m.peak - m.before < BOUND_KIB, `berthd grew by ${m.peak - m.before} KiB`);
    const got = await drain(s!);
    assert.ok(got < size, `the stalled client got ${got} of ${size} bytes`);
    await ok(['rm', '-f', id]);
  });

  it('a pull whose manifest names a 9 MiB config fails cleanly and stores nothing', async () => {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, pad: 'x'.repeat(9 * MiB) }));
    const configDigest = await pushBlob(reg.host, 'huge/config', config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
      layers: [],
    });
    const put = await fetch(`http://${reg.host}/v2/huge/config/manifests/v1`, {
      method: 'PUT',
      body: manifest,
      headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    assert.equal(put.status, 201, await put.text());

    const r = await d.docker(['pull', `${reg.host}/huge/config:v1`], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`config size ${config.length} is not within 1…${8 * MiB} bytes`));
    const blobs = await readdir(join(d.dataRoot, 'content', 'blobs', 'sha256'));
    assert.ok(!blobs.includes(configDigest.slice(7)), 'the config was not downloaded');
    assert.deepEqual(await readdir(join(d.dataRoot, 'content', 'ingest')).catch(() => []), []);
    assert.equal((await d.docker(['image', 'ls', '-q', `${reg.host}/huge/config`])).stdout, '');
    assert.equal((await d.api('GET', '/_ping')).status, 200);
  });
});
