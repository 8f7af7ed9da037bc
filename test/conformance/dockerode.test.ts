/**
 * dockerode (npm) against berthd and, when one answers, Docker: containers, exec, logs, images,
 * build from a tar context, networks, volumes, archives, events and errors — one row per scenario.
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { clientSuite } from './client-suite.js';
import { PINNED, RECORDED_VERSION } from './versions.js';
import { IMAGE, LABEL } from './engines.js';

const CLIENT = 'dockerode';

interface Ctx {
  docker: Docker;
  p: string;
  labels: Record<string, string>;
}

function tarOf(files: Record<string, string>): Promise<Buffer> {
  const t = pack();
  for (const [name, body] of Object.entries(files)) t.entry({ name, mode: 0o644 }, body);
  t.finalize();
  return streamToBuffer(t as unknown as Readable);
}

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** A multiplexed stream split into stdout and stderr with dockerode's own demuxer. */
async function demux(docker: Docker, stream: NodeJS.ReadableStream): Promise<{ out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o = streamToBuffer(out);
  const e = streamToBuffer(err);
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((res, rej) => {
    stream.on('end', res);
    stream.on('close', res);
    stream.on('error', rej);
  });
  out.end();
  err.end();
  return { out: (await o).toString(), err: (await e).toString() };
}

/** create → start → wait → logs → remove; the container's output. */
async function runOut(c: Ctx, cmd: string[] | undefined, extra: Docker.ContainerCreateOptions = {}): Promise<{ code: number; out: string; err: string }> {
  const ct = await c.docker.createContainer({ Image: IMAGE, ...(cmd ? { Cmd: cmd } : {}), Labels: c.labels, ...extra });
  try {
    await ct.start();
    const { StatusCode } = (await ct.wait()) as { StatusCode: number };
    const logs = (await ct.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    // Without follow, dockerode hands back the multiplexed body as one Buffer.
    const out: string[] = [];
    const err: string[] = [];
    for (let i = 0; i + 8 <= logs.length;) {
      const size = logs.readUInt32BE(i + 4);
      (logs[i] === 2 ? err : out).push(logs.subarray(i + 8, i + 8 + size).toString());
      i += 8 + size;
    }
    return { code: StatusCode, out: out.join(''), err: err.join('') };
  } finally {
    await ct.remove({ force: true });
  }
}

const statusOf = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 200,
    (e: { statusCode?: number }) => e.statusCode ?? -1,
  );

const SCENARIOS: Array<[string, (c: Ctx) => Promise<void>]> = [
  [
    'ping, version, info',
    async ({ docker }) => {
      assert.equal(String(await docker.ping()), 'OK');
      assert.equal((await docker.version()).ApiVersion, '1.56');
      const info = await docker.info();
      assert.equal(info.OSType, 'linux');
    },
  ],
  [
    'containers: create, start, wait, logs (demuxed), inspect, remove',
    async (c) => {
      const r = await runOut(c, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.deepEqual(r, { code: 3, out: 'out\n', err: 'err\n' });
      const ct = await c.docker.createContainer({ Image: IMAGE, Cmd: ['sh', '-c', 'echo one; echo two >&2'], name: `${c.p}-l`, Labels: c.labels });
      await ct.start();
      await ct.wait();
      const stream = await ct.logs({ stdout: true, stderr: true, follow: true });
      assert.deepEqual(await demux(c.docker, stream), { out: 'one\n', err: 'two\n' });
      const info = await ct.inspect();
      assert.equal(info.State.Status, 'exited');
      assert.equal(info.Name, `/${c.p}-l`);
      await ct.remove();
      assert.equal(await statusOf(ct.inspect()), 404);
    },
  ],
  [
    'docker.run: attach, output, exit code',
    async (c) => {
      const out = new PassThrough();
      const text = streamToBuffer(out);
      const [data, ct] = (await c.docker.run(IMAGE, ['sh', '-c', 'echo attached; exit 4'], out, { Labels: c.labels, Tty: true })) as [
        { StatusCode: number },
        Docker.Container,
      ];
      out.end();
      assert.equal(data.StatusCode, 4);
      assert.match((await text).toString(), /^attached\r?\n$/);
      await ct.remove();
    },
  ],
  [
    'containers: list with label filters, stop, restart, kill, rename',
    async (c) => {
      const ct = await c.docker.createContainer({
        Image: IMAGE,
        Cmd: ['sleep', '300'],
        name: `${c.p}-s`,
        Labels: c.labels,
        HostConfig: { PortBindings: { '8080/tcp': [{ HostPort: '' }] } },
        ExposedPorts: { '8080/tcp': {} },
      });
      try {
        await ct.start();
        const list = await c.docker.listContainers({ filters: JSON.stringify({ label: [`${LABEL}=${c.p}`] }) });
        assert.deepEqual(
          list.map((x) => x.Id),
          [ct.id],
        );
        assert.equal(list[0]!.State, 'running');
        assert.equal(list[0]!.Ports.find((p) => p.PrivatePort === 8080)?.Type, 'tcp');
        await ct.rename({ name: `${c.p}-s2` });
        await ct.restart({ t: 1 });
        assert.equal((await ct.inspect()).State.Running, true);
        await ct.kill({ signal: 'SIGKILL' });
        assert.equal(((await ct.wait()) as { StatusCode: number }).StatusCode, 137);
        assert.equal((await ct.inspect()).Name, `/${c.p}-s2`);
        assert.equal(await statusOf(ct.stop()), 304);
      } finally {
        await ct.remove({ force: true });
      }
    },
  ],
  [
    'exec: output, exit code, env, inspect',
    async (c) => {
      const ct = await c.docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '300'], Labels: c.labels });
      try {
        await ct.start();
        const ex = await ct.exec({ Cmd: ['sh', '-c', 'echo $X; echo err >&2; exit 5'], Env: ['X=from-exec'], AttachStdout: true, AttachStderr: true });
        const stream = await ex.start({ hijack: true, stdin: false });
        assert.deepEqual(await demux(c.docker, stream), { out: 'from-exec\n', err: 'err\n' });
        const info = await ex.inspect();
        assert.equal(info.ExitCode, 5);
        assert.equal(info.Running, false);
      } finally {
        await ct.remove({ force: true });
      }
    },
  ],
  [
    'images: list, inspect, tag, history, remove',
    async (c) => {
      const img = c.docker.getImage(IMAGE);
      const info = await img.inspect();
      assert.deepEqual(info.Config.Cmd, ['sh']);
      assert.ok((await c.docker.listImages({ filters: JSON.stringify({ reference: [IMAGE] }) })).some((i) => i.Id === info.Id));
      await img.tag({ repo: `${c.p}/tagged`, tag: 'v1' });
      assert.equal((await c.docker.getImage(`${c.p}/tagged:v1`).inspect()).Id, info.Id);
      assert.ok(Array.isArray(await img.history()));
      const removed = (await c.docker.getImage(`${c.p}/tagged:v1`).remove()) as Array<{ Untagged?: string }>;
      assert.deepEqual(removed, [{ Untagged: `${c.p}/tagged:v1` }]);
      assert.equal(await statusOf(c.docker.getImage(`${c.p}/tagged:v1`).inspect()), 404);
    },
  ],
  [
    'build: a tar context with build args and labels',
    async (c) => {
      const ctx = await tarOf({
        Dockerfile: `FROM ${IMAGE}\nARG WHO\nCOPY hello /hello\nRUN echo "$WHO" >> /hello\nCMD ["cat", "/hello"]\n`,
        hello: 'hello\n',
      });
      const stream = await c.docker.buildImage(Readable.from([ctx]), {
        t: `${c.p}/built:1`,
        buildargs: { WHO: 'dockerode' },
        labels: { 'made-by': 'dockerode' },
      } as Docker.ImageBuildOptions);
      const events = await new Promise<Array<{ stream?: string; error?: string }>>((res, rej) =>
        c.docker.modem.followProgress(stream, (err: Error | null, out: Array<{ stream?: string; error?: string }>) => (err ? rej(err) : res(out))),
      );
      assert.ok(!events.some((e) => e.error), JSON.stringify(events));
      assert.ok(events.some((e) => /Successfully tagged/.test(e.stream ?? '')));
      assert.equal((await c.docker.getImage(`${c.p}/built:1`).inspect()).Config.Labels?.['made-by'], 'dockerode');
      assert.deepEqual(await runOut(c, undefined, { Image: `${c.p}/built:1` }), { code: 0, out: 'hello\ndockerode\n', err: '' });
      await c.docker.getImage(`${c.p}/built:1`).remove();
    },
  ],
  [
    'networks: create, inspect, connect with alias, disconnect, remove',
    async (c) => {
      const net = await c.docker.createNetwork({ Name: `${c.p}-net`, Driver: 'bridge', Labels: c.labels, CheckDuplicate: true });
      const ct = await c.docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '300'], Labels: c.labels });
      try {
        await ct.start();
        await net.connect({ Container: ct.id, EndpointConfig: { Aliases: ['svc'] } });
        const info = await net.inspect();
        assert.equal(info.Name, `${c.p}-net`);
        assert.ok(Object.keys(info.Containers ?? {}).includes(ct.id));
        const r = await runOut(c, ['sh', '-c', 'ping -c1 -W2 svc >/dev/null && echo ok'], { HostConfig: { NetworkMode: `${c.p}-net` } });
        assert.deepEqual(r, { code: 0, out: 'ok\n', err: '' });
        await net.disconnect({ Container: ct.id });
        assert.ok(!(await ct.inspect()).NetworkSettings.Networks[`${c.p}-net`]);
        assert.equal(await statusOf(c.docker.createNetwork({ Name: `${c.p}-net`, CheckDuplicate: true })), 409);
      } finally {
        await ct.remove({ force: true });
        await net.remove();
      }
      assert.equal(await statusOf(net.inspect()), 404);
    },
  ],
  [
    'volumes: create, list, use, remove',
    async (c) => {
      const vol = await c.docker.createVolume({ Name: `${c.p}-vol`, Labels: c.labels });
      assert.equal(vol.name, `${c.p}-vol`);
      const list = await c.docker.listVolumes({ filters: JSON.stringify({ label: [`${LABEL}=${c.p}`] }) });
      assert.deepEqual(
        list.Volumes.map((v) => v.Name),
        [`${c.p}-vol`],
      );
      assert.equal((await runOut(c, ['sh', '-c', 'echo kept > /v/f'], { HostConfig: { Binds: [`${c.p}-vol:/v`] } })).code, 0);
      assert.equal(
        (await runOut(c, ['cat', '/v/f'], { HostConfig: { Mounts: [{ Type: 'volume', Source: `${c.p}-vol`, Target: '/v', ReadOnly: true }] } })).out,
        'kept\n',
      );
      await c.docker.getVolume(`${c.p}-vol`).remove();
      assert.equal(await statusOf(c.docker.getVolume(`${c.p}-vol`).inspect()), 404);
    },
  ],
  [
    'archive: putArchive and getArchive',
    async (c) => {
      const ct = await c.docker.createContainer({ Image: IMAGE, Cmd: ['true'], Labels: c.labels });
      try {
        await ct.putArchive(await tarOf({ 'f.txt': 'payload' }), { path: '/tmp' });
        const tar = await streamToBuffer(await ct.getArchive({ path: '/tmp/f.txt' }));
        assert.ok(tar.includes(Buffer.from('payload')));
        const info = (await ct.infoArchive({ path: '/tmp/f.txt' })) as unknown as { headers?: Record<string, string> } | Record<string, unknown>;
        assert.ok(info !== undefined);
      } finally {
        await ct.remove({ force: true });
      }
    },
  ],
  [
    'events: a container lifecycle, filtered, since/until',
    async (c) => {
      const since = Math.floor(Date.now() / 1000) - 1;
      const r = await runOut(c, ['true'], { name: `${c.p}-ev` });
      assert.equal(r.code, 0);
      const until = Math.floor(Date.now() / 1000) + 1;
      const stream = await c.docker.getEvents({ since, until, filters: JSON.stringify({ type: ['container'], container: [`${c.p}-ev`] }) });
      const text = (await streamToBuffer(stream)).toString();
      const actions = text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { Action: string }).Action);
      for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `${a} in ${actions.join(',')}`);
    },
  ],
  [
    'errors: 404, 409, 400 with Docker messages',
    async (c) => {
      await c.docker
        .getContainer(`${c.p}-none`)
        .inspect()
        .then(
          () => assert.fail('found'),
          (e: { statusCode: number; json: { message: string } }) => {
            assert.equal(e.statusCode, 404);
            assert.equal(e.json.message, `No such container: ${c.p}-none`);
          },
        );
      assert.equal(await statusOf(c.docker.createContainer({ Image: `${c.p}-missing:1`, Cmd: ['true'] })), 404);
      const ct = await c.docker.createContainer({ Image: IMAGE, Cmd: ['true'], name: `${c.p}-dup`, Labels: c.labels });
      assert.equal(await statusOf(c.docker.createContainer({ Image: IMAGE, Cmd: ['true'], name: `${c.p}-dup` })), 409);
      await ct.remove();
      assert.equal(await statusOf(c.docker.getNetwork(`${c.p}-none`).inspect()), 404);
    },
  ],
];

clientSuite({
  title: 'dockerode against berthd (and Docker)',
  skip: false,
  report: 'dockerode',
  prefixes: { berthd: 'nb', docker: 'nk' },
  async run(engine, column, prefix, rec) {
    const failures: string[] = [];
    // berthd at each pinned version (dockerode's `version`); Docker unpinned (dockerode's default path, unversioned).
    for (const version of column === 'client→berthd' ? PINNED : [undefined]) {
      const docker = new Docker({ socketPath: engine.socket, ...(version === undefined ? {} : { version: `v${version}` }) });
      const p = `${prefix}${version?.replace('.', '') ?? ''}`;
      for (const [scenario, fn] of SCENARIOS) {
        const name = version === undefined || version === RECORDED_VERSION ? scenario : `${scenario} (API ${version})`;
        try {
          await fn({ docker, p, labels: { [LABEL]: p } });
          rec.set(CLIENT, name, column, 'pass');
        } catch (err) {
          rec.set(CLIENT, name, column, 'fail', (err as Error).message.split('\n')[0]);
          failures.push(`${name}: ${(err as Error).stack ?? String(err)}`);
        }
      }
    }
    return failures;
  },
});
