/**
 * Log drivers: json-file in Docker's on-disk format (rotation, compression, attrs), local, none,
 * journald's refusal without journald, the read options (tail/since/until/timestamps/details/
 * follow) through the real docker CLI, and logs that survive a kill -9 of berthd.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { eventually, startDaemon, type Daemon, type RunOptions } from './harness.js';

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z$/;

describe('log drivers', () => {
  let d: Daemon;
  let flagDir: string;

  before(async () => {
    // Hand the capture over to a new file every 4 KiB, so the trimming path runs in these tests.
    process.env.BERTH_LOG_TRIM_BYTES = '4096';
    d = await startDaemon();
    flagDir = await mkdtemp(join(tmpdir(), 'berth-logs-flag-'));
  });
  after(async () => {
    await d?.stop();
    delete process.env.BERTH_LOG_TRIM_BYTES;
    if (flagDir) await rm(flagDir, { recursive: true, force: true });
  });

  async function ok(args: string[], opts?: RunOptions): Promise<string> {
    const r = await d.docker(args, opts);
    assert.equal(r.code, 0, `docker ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-2000)}`);
    return r.stdout;
  }

  const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');
  const seq = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

  async function inspect(name: string): Promise<{ Id: string; LogPath: string; HostConfig: { LogConfig: { Type: string; Config: Record<string, string> } } }> {
    return JSON.parse(await ok(['inspect', name]))[0];
  }

  /** The json-file's files, oldest first, decompressed, as lines. */
  async function jsonFileLines(logPath: string): Promise<string[]> {
    const dir = join(logPath, '..');
    const base = logPath.slice(dir.length + 1);
    const rotated = (await readdir(dir)).filter((f) => f.startsWith(`${base}.`)).sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]));
    const out: string[] = [];
    for (const f of [...rotated, base]) {
      const raw = await readFile(join(dir, f));
      out.push(...lines((f.endsWith('.gz') ? gunzipSync(raw) : raw).toString()));
    }
    return out;
  }

  it('json-file is the default, in Docker on-disk format, with labels/env/tag as attrs', async () => {
    await ok([
      'run',
      '--name',
      'fmt',
      '--label',
      'app=web',
      '--label',
      'other=x',
      '-e',
      'SECRET=s3',
      '-e',
      'PLAIN=p',
      '--log-opt',
      'labels=app',
      '--log-opt',
      'env=SECRET',
      '--log-opt',
      'tag={{.Name}}/{{.ID}}',
      'busybox',
      'sh',
      '-c',
      'echo "a<b&c é"; echo err >&2; printf partial',
    ]);
    const info = await inspect('fmt');
    assert.equal(info.LogPath, join(d.dataRoot, 'containers', info.Id, `${info.Id}-json.log`));
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'json-file', Config: { labels: 'app', env: 'SECRET', tag: '{{.Name}}/{{.ID}}' } });
    const raw = lines(await readFile(info.LogPath, 'utf8'));
    assert.equal(raw.length, 3);
    // Go's encoding: <, > and & escaped; non-ASCII as it is.
    assert.ok(raw[0]!.startsWith('{"log":"a\\u003cb\\u0026c é\\n","stream":"stdout","attrs":{'), raw[0]);
    const recs = raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    const attrs = { app: 'web', SECRET: 's3', tag: `fmt/${info.Id.slice(0, 12)}` };
    for (const r of recs) {
      assert.deepEqual(Object.keys(r), ['log', 'stream', 'attrs', 'time']);
      assert.deepEqual(r.attrs, attrs);
      assert.match(r.time as string, RFC3339_NANO);
    }
    // The two streams are separate pipes: their relative order is conmon's reading order.
    assert.deepEqual(
      recs.filter((r) => r.stream === 'stdout').map((r) => r.log),
      ['a<b&c é\n', 'partial'],
    );
    assert.deepEqual(
      recs.filter((r) => r.stream === 'stderr').map((r) => r.log),
      ['err\n'],
    );
    const st = await stat(info.LogPath);
    assert.equal(st.mode & 0o777, 0o640);

    const details = await d.docker(['logs', '--details', 'fmt']);
    assert.equal(details.stdout, `SECRET=s3,app=web,tag=fmt%2F${info.Id.slice(0, 12)} a<b&c é\nSECRET=s3,app=web,tag=fmt%2F${info.Id.slice(0, 12)} partial`);
    assert.equal(details.stderr, `SECRET=s3,app=web,tag=fmt%2F${info.Id.slice(0, 12)} err\n`);
    await ok(['rm', 'fmt']);
  });

  it('the tag is a Go template: pipelines and functions over the container', async () => {
    await ok(['run', '--name', 'tagged', '--log-opt', 'tag={{.Name | printf "%s"}}:{{upper .DaemonName}}:{{.ImageName}}', 'busybox', 'echo', 'x']);
    const info = await inspect('tagged');
    const recs = lines(await readFile(info.LogPath, 'utf8')).map((l) => JSON.parse(l) as { attrs: unknown });
    assert.deepEqual(
      recs.map((r) => r.attrs),
      [{ tag: 'tagged:BERTH:busybox' }],
    );
    await ok(['rm', 'tagged']);
  });

  it('rotates at max-size keeping max-file files; logs reads across them', async () => {
    await ok([
      'run',
      '--name',
      'rot',
      '--log-opt',
      'max-size=10k',
      '--log-opt',
      'max-file=3',
      'busybox',
      'sh',
      '-c',
      'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done',
    ]);
    const info = await inspect('rot');
    const dir = join(d.dataRoot, 'containers', info.Id);
    const files = (await readdir(dir)).filter((f) => f.startsWith(`${info.Id}-json.log`)).sort();
    assert.deepEqual(files, [`${info.Id}-json.log`, `${info.Id}-json.log.1`, `${info.Id}-json.log.2`]);
    for (const f of files.slice(1)) {
      const size = (await stat(join(dir, f))).size;
      // Docker rotates before a write once the file has reached max-size: at most one record over.
      assert.ok(size >= 10240 && size < 10240 + 100, `${f}: ${size} bytes`);
    }
    const onDisk = (await jsonFileLines(info.LogPath)).map((l) => (JSON.parse(l) as { log: string }).log.trimEnd());
    const first = Number(onDisk[0]!.split(' ')[1]);
    assert.ok(first > 0, 'the oldest lines were rotated away');
    assert.deepEqual(onDisk, seq(first, 2000));
    assert.deepEqual(lines(await ok(['logs', 'rot'])), seq(first, 2000));
    assert.deepEqual(lines(await ok(['logs', '--tail', '5', 'rot'])), seq(1995, 2000));
    // A tail reaching into the rotated files.
    const n = 2000 - first - 3;
    assert.deepEqual(lines(await ok(['logs', '--tail', String(n), 'rot'])), seq(2000 - n, 2000));
    await ok(['rm', 'rot']);
  });

  it('compress gzips rotated files, which logs still reads', async () => {
    await ok([
      'run',
      '--name',
      'gz',
      '--log-opt',
      'max-size=8k',
      '--log-opt',
      'max-file=4',
      '--log-opt',
      'compress=true',
      'busybox',
      'sh',
      '-c',
      'i=0; while [ $i -lt 1500 ]; do echo "line $i"; i=$((i+1)); done',
    ]);
    const info = await inspect('gz');
    const dir = join(d.dataRoot, 'containers', info.Id);
    const base = `${info.Id}-json.log`;
    await eventually('rotated files compressed', async () => {
      const files = (await readdir(dir)).filter((f) => f.startsWith(base)).sort();
      return files.join() === [base, `${base}.1.gz`, `${base}.2.gz`, `${base}.3.gz`].join();
    });
    const onDisk = (await jsonFileLines(info.LogPath)).map((l) => (JSON.parse(l) as { log: string }).log.trimEnd());
    const first = Number(onDisk[0]!.split(' ')[1]);
    assert.deepEqual(onDisk, seq(first, 1500));
    assert.deepEqual(lines(await ok(['logs', 'gz'])), seq(first, 1500));
    assert.deepEqual(lines(await ok(['logs', '--tail', String(1500 - first - 1), 'gz'])), seq(first + 1, 1500));
    await ok(['rm', 'gz']);
  });

  it('local keeps its own compact files and reads them back; none keeps nothing', async () => {
    await ok(['run', '--name', 'loc', '--log-driver', 'local', 'busybox', 'sh', '-c', 'echo one; echo two >&2']);
    const loc = await inspect('loc');
    assert.equal(loc.LogPath, '');
    assert.equal(loc.HostConfig.LogConfig.Type, 'local');
    assert.ok(existsSync(join(d.dataRoot, 'containers', loc.Id, 'local-logs', 'container.log')));
    const r = await d.docker(['logs', '-t', 'loc']);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT[\d:]+\.\d{9}Z one\n$/);
    assert.match(r.stderr, /^\d{4}-\d\d-\d\dT[\d:]+\.\d{9}Z two\n$/);
    await ok(['rm', 'loc']);

    // Attached output works with none; there is nothing to read back.
    assert.equal(await ok(['run', '--name', 'nolog', '--log-driver', 'none', 'busybox', 'echo', 'hi']), 'hi\n');
    assert.equal((await inspect('nolog')).LogPath, '');
    const logs = await d.docker(['logs', 'nolog']);
    assert.equal(logs.code, 1);
    assert.equal(logs.stderr.trim(), 'Error response from daemon: configured logging driver does not support reading');
    await ok(['rm', 'nolog']);
  });

  it('bad log configs are refused before anything is created', async () => {
    const before = await ok(['ps', '-aq']);
    const cases: Array<[string[], string]> = [
      [['--log-opt', 'max-size=abc'], "invalid size: 'abc'"],
      [['--log-driver', 'nosuch'], "logger: no log driver named 'nosuch' is registered"],
      [['--log-opt', 'bogus=1'], "unknown log opt 'bogus' for json-file log driver"],
      [['--log-driver', 'local', '--log-opt', 'tag=x'], "unknown log opt 'tag' for local log driver"],
      [['--log-opt', 'max-file=0'], 'max-file cannot be less than 1'],
      [['--log-opt', 'compress=true'], 'compress cannot be true when max-file is less than 2 or max-size is not set'],
      [
        ['--log-opt', 'tag={{.Nope}}'],
        'failed to initialize logging driver: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *logger.Info',
      ],
    ];
    if (!existsSync('/run/systemd/journal/socket'))
      cases.push([['--log-driver', 'journald'], 'failed to initialize logging driver: journald is not enabled on this host']);
    for (const [flags, msg] of cases) {
      const r = await d.docker(['create', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 1, `${flags.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim(), `Error response from daemon: ${msg}`);
    }
    const api = await d.api('POST', '/v1.41/containers/create', {
      Image: 'busybox',
      HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': 'abc' } } },
    });
    assert.equal(api.status, 400);
    assert.equal(await ok(['ps', '-aq']), before);
  });

  it('tail, since, until, timestamps and follow on json-file', async () => {
    await ok([
      'run',
      '--name',
      'opts',
      'busybox',
      'sh',
      '-c',
      'for i in 1 2 3; do echo "a$i"; sleep 0.05; done; echo b >&2; for i in 4 5 6; do echo "a$i"; sleep 0.05; done',
    ]);
    const stamped = lines(await ok(['logs', '-t', 'opts']));
    assert.deepEqual(
      stamped.map((l) => l.split(' ')[1]),
      ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'],
    );
    for (const l of stamped) assert.match(l.split(' ')[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const times = stamped.map((l) => l.split(' ')[0]!);
    // since and until are inclusive (Docker's); records sharing a time go together.
    const since = await ok(['logs', '--since', times[3]!, 'opts']);
    assert.deepEqual(
      lines(since),
      stamped.filter((l) => l.split(' ')[0]! >= times[3]!).map((l) => l.split(' ')[1]),
    );
    const until = await ok(['logs', '--until', times[1]!, 'opts']);
    assert.deepEqual(
      lines(until),
      stamped.filter((l) => l.split(' ')[0]! <= times[1]!).map((l) => l.split(' ')[1]),
    );
    assert.deepEqual(lines(await ok(['logs', '--tail', '2', 'opts'])), ['a5', 'a6']);
    assert.equal(await ok(['logs', '--since', '2099-01-01T00:00:00Z', 'opts']), '');
    await ok(['rm', 'opts']);

    // follow, across rotations: everything in order, ending when the container exits.
    await rm(join(flagDir, 'go'), { force: true });
    await ok([
      'run',
      '-d',
      '--name',
      'fol',
      '-v',
      `${flagDir}:/flag`,
      '--log-opt',
      'max-size=2k',
      '--log-opt',
      'max-file=50',
      'busybox',
      'sh',
      '-c',
      'echo start; while [ ! -f /flag/go ]; do sleep 0.05; done; i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done',
    ]);
    const follower = spawn('docker', ['logs', '-f', 'fol'], { env: { ...process.env, DOCKER_HOST: `unix://${d.socket}` } });
    let out = '';
    follower.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const ended = new Promise<number | null>((r) => follower.on('close', r));
    await eventually('the follower sees the first line', async () => out.startsWith('start\n'));
    await writeFile(join(flagDir, 'go'), '');
    assert.equal(await ended, 0);
    assert.deepEqual(lines(out), ['start', ...seq(0, 500)]);
    await ok(['rm', 'fol']);
  });

  it('output written while berthd is down (kill -9) is all there after it comes back', async () => {
    await rm(join(flagDir, 'stop'), { force: true });
    await ok([
      'run',
      '-d',
      '--name',
      'survivor',
      '-v',
      `${flagDir}:/flag`,
      '--log-opt',
      'max-size=16k',
      '--log-opt',
      'max-file=1000',
      'busybox',
      'sh',
      '-c',
      'i=0; while [ ! -f /flag/stop ]; do echo "line $i"; i=$((i+1)); sleep 0.002; done; echo "last $i"',
    ]);
    const info = await inspect('survivor');
    const capture = join(d.dataRoot, 'containers', info.Id, 'container.log');
    // Enough output that the capture has been handed over (trimmed) a few times.
    await eventually('some output', async () => lines(await ok(['logs', 'survivor'])).length > 300, 30_000);
    await d.kill9();
    // The container keeps printing into conmon's capture while nobody converts it (into the
    // handed-over `.rotated` file when berthd died between the rename and conmon's reopen).
    const captured = async (): Promise<number> => {
      let total = 0;
      for (const f of [capture, `${capture}.rotated`])
        total += await stat(f).then(
          (st) => st.size,
          () => 0,
        );
      return total;
    };
    const sizeAtKill = await captured();
    await eventually('output while berthd is down', async () => (await captured()) > sizeAtKill + 8192, 20_000);
    await d.restart();
    await writeFile(join(flagDir, 'stop'), '');
    assert.equal((await ok(['wait', 'survivor'])).trim(), '0');
    const got = lines(await ok(['logs', 'survivor']));
    const last = got.pop()!;
    const n = Number(last.split(' ')[1]);
    assert.match(last, /^last \d+$/);
    assert.deepEqual(got, seq(0, n), 'no line lost or repeated');
    const onDisk = (await jsonFileLines(info.LogPath)).map((l) => (JSON.parse(l) as { log: string }).log.trimEnd());
    assert.deepEqual(onDisk, [...seq(0, n), last]);
    // The capture was handed over and trimmed as it was converted: it holds no more than the trim size plus what came since.
    assert.ok((await captured()) < 64 * 1024, 'the capture does not keep everything');
    await ok(['rm', 'survivor']);
  });

  it('an attached client sees a prompt at once; the json-file gets the whole line', async () => {
    const child = spawn('docker', ['run', '-i', '--name', 'prompt', 'busybox', 'sh', '-c', 'printf "name? "; read x; echo "hi $x"'], {
      env: { ...process.env, DOCKER_HOST: `unix://${d.socket}` },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const ended = new Promise<number | null>((r) => child.on('close', r));
    await eventually('the prompt', async () => out === 'name? ', 20_000);
    child.stdin.end('bob\n');
    assert.equal(await ended, 0);
    assert.equal(out, 'name? hi bob\n');
    const info = await inspect('prompt');
    const recs = lines(await readFile(info.LogPath, 'utf8')).map((l) => JSON.parse(l) as { log: string });
    assert.deepEqual(
      recs.map((r) => r.log),
      ['name? hi bob\n'],
    );
    await ok(['rm', 'prompt']);
  });

  it('docker info names the default logging driver', async () => {
    assert.equal((await ok(['info', '-f', '{{.LoggingDriver}}'])).trim(), 'json-file');
  });
});

describe('daemon default log driver (daemon.json log-driver / log-opts)', () => {
  let d: Daemon;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-logs-conf-'));
    await writeFile(join(dir, 'daemon.json'), JSON.stringify({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '4k', 'max-file': '2', tag: 'dflt' } }));
    d = await startDaemon({ args: ['--config-file', join(dir, 'daemon.json')] });
  });
  after(async () => {
    await d?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("applies the daemon's options to containers of its driver that did not set them", async () => {
    const run = await d.docker([
      'run',
      '--name',
      'dflt',
      '--log-opt',
      'max-file=3',
      'busybox',
      'sh',
      '-c',
      'i=0; while [ $i -lt 400 ]; do echo "line $i"; i=$((i+1)); done',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const info = JSON.parse((await d.docker(['inspect', 'dflt'])).stdout)[0];
    assert.deepEqual(info.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '4k', tag: 'dflt' } });
    const files = (await readdir(join(d.dataRoot, 'containers', info.Id))).filter((f: string) => f.startsWith(`${info.Id}-json.log`));
    assert.equal(files.length, 3);
    const first = JSON.parse((await readFile(info.LogPath, 'utf8')).split('\n')[0]!);
    assert.deepEqual(first.attrs, { tag: 'dflt' });
    // Another driver gets none of them.
    assert.equal((await d.docker(['run', '--name', 'loc', '--log-driver', 'local', 'busybox', 'true'])).code, 0);
    assert.deepEqual(JSON.parse((await d.docker(['inspect', 'loc'])).stdout)[0].HostConfig.LogConfig, { Type: 'local', Config: {} });
    await d.docker(['rm', 'dflt', 'loc']);
  });
});
