import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from './archive-util.js';
import { startDaemon, type Daemon } from './harness.js';
import { keepAliveClient, rawExchange, runMany } from './raw-http.js';

// Many clients at once, and requests a careful client would not send: one name or subnet is
// never handed out twice, every request gets an answer (never a 500), and nothing is left over.

const V = '/v1.41';
const body = (v: unknown): string => JSON.stringify(v);

function linkExists(name: string): Promise<boolean> {
  return new Promise((res) => execFile('ip', ['link', 'show', name], (err) => res(err === null)));
}

describe('concurrency and hostile requests', () => {
  let d: Daemon;
  let api: ReturnType<typeof keepAliveClient>;
  const fds = async (): Promise<number> => (await readdir(`/proc/${d.pid}/fd`)).length;
  const names = async (filter: string): Promise<string[][]> => {
    const r = await d.api('GET', `${V}/containers/json?all=1&filters=${encodeURIComponent(body({ name: [filter] }))}`);
    return (r.json as Array<{ Names: string[] }>).map((c) => c.Names);
  };

  before(async () => {
    d = await startDaemon();
    api = keepAliveClient(d.socket, 16);
  });
  after(async () => {
    api?.close();
    await d?.stop();
  });

  it("parallel creates with one name: exactly one 201, the others 409 in Docker's words", async () => {
    const create = { method: 'POST', path: `${V}/containers/create?name=dup`, body: body({ Image: 'busybox', Cmd: ['true'] }) };
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.call(create)));
    const created = answers.filter((a) => a.status === 201);
    assert.equal(created.length, 1, JSON.stringify(answers.map((a) => [a.status, a.message])));
    const id = (created[0]!.json as { Id: string }).Id;
    for (const a of answers.filter((x) => x.status !== 201)) {
      assert.equal(a.status, 409);
      assert.equal(
        a.message,
        `Conflict. The container name "/dup" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    assert.deepEqual(await names('^/dup$'), [['/dup']]);
    // A failed create gives its claim back: the name is free again once the container is gone.
    assert.equal((await d.api('DELETE', `${V}/containers/dup`)).status, 204, 'Docker answers DELETE /containers/{id} with 204 No Content');
    const bad = await api.call({
      method: 'POST',
      path: `${V}/containers/create?name=dup`,
      body: body({ Image: 'busybox', Cmd: ['true'], HostConfig: { VolumesFrom: ['nope'] } }),
    });
    assert.equal(bad.status, 404, bad.message);
    assert.equal((await api.call(create)).status, 201);
  });

  it('parallel renames to one name: exactly one wins, the others keep their names', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await api.call({ method: 'POST', path: `${V}/containers/create?name=ren${i}`, body: body({ Image: 'busybox', Cmd: ['true'] }) });
      assert.equal(r.status, 201, r.message);
      ids.push((r.json as { Id: string }).Id);
    }
    const answers = await Promise.all(ids.map((id) => api.call({ method: 'POST', path: `${V}/containers/${id}/rename?name=target` })));
    assert.equal(answers.filter((a) => a.status === 204).length, 1, JSON.stringify(answers.map((a) => [a.status, a.message])));
    assert.ok(answers.every((a) => a.status === 204 || (a.status === 409 && /The container name "\/target" is already in use/.test(a.message))));
    assert.deepEqual(await names('^/target$'), [['/target']]);
    assert.equal((await names('^/ren')).length, 9);
  });

  it('ps --filter name=^/x$ matches the name with its leading slash (and ^x$ without)', async () => {
    assert.equal((await d.berth(['create', '--name', 'xy', 'busybox', 'true'])).code, 0);
    assert.equal((await d.berth(['create', '--name', 'xyz', 'busybox', 'true'])).code, 0);
    for (const cli of [(a: string[]) => d.docker(a), (a: string[]) => d.berth(a)]) {
      assert.equal((await cli(['ps', '-a', '--filter', 'name=^/xy$', '--format', '{{.Names}}'])).stdout, 'xy\n');
      assert.equal((await cli(['ps', '-a', '--filter', 'name=^xy$', '--format', '{{.Names}}'])).stdout, 'xy\n');
    }
    assert.equal(
      (await d.docker(['ps', '-a', '--filter', 'name=^/xyz?$', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort().join(','),
      'xy,xyz',
    );
    assert.equal((await d.docker(['ps', '-a', '--filter', 'name=(', '--format', '{{.Names}}'])).code, 0, 'a pattern that does not compile matches nothing');
  });

  it('parallel network creates: distinct subnets, no 500, no bridge left after rm; an overlapping --subnet is a 403', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.call({ method: 'POST', path: `${V}/networks/create`, body: body({ Name: `par${i}` }) })),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(10).fill(201),
      JSON.stringify(answers.map((a) => a.message)),
    );
    const nets = await Promise.all(
      answers.map(
        async (a) =>
          (await d.api('GET', `${V}/networks/${(a.json as { Id: string }).Id}`)).json as {
            Id: string;
            IPAM: { Config: Array<{ Subnet: string; Gateway: string }> };
          },
      ),
    );
    const subnets = nets.map((n) => n.IPAM.Config[0]!.Subnet);
    assert.equal(new Set(subnets).size, 10, subnets.join(' '));
    const bridges = nets.map((n) => `br-${n.Id.slice(0, 12)}`);
    for (const b of bridges) assert.ok(await linkExists(b), `${b} exists`);

    const overlap = await api.call({
      method: 'POST',
      path: `${V}/networks/create`,
      body: body({ Name: 'overlap', IPAM: { Config: [{ Subnet: subnets[0] }] } }),
    });
    assert.equal(overlap.status, 403, overlap.message);
    assert.equal(overlap.message, 'invalid pool request: Pool overlaps with other one on this address space');
    // Parallel creates of one name: one network, the rest 409.
    const same = await Promise.all(Array.from({ length: 5 }, () => api.call({ method: 'POST', path: `${V}/networks/create`, body: body({ Name: 'same' }) })));
    assert.deepEqual(same.map((a) => a.status).sort(), [201, 409, 409, 409, 409]);

    const removed = await Promise.all([...nets.map((n) => n.Id), 'same'].map((id) => api.call({ method: 'DELETE', path: `${V}/networks/${id}` })));
    assert.ok(
      removed.every((a) => a.status === 204),
      JSON.stringify(removed.map((a) => [a.status, a.message])),
    );
    for (const b of bridges) assert.equal(await linkExists(b), false, `${b} removed`);
    const left = (await d.api('GET', `${V}/networks`)).json as Array<{ Name: string }>;
    assert.deepEqual(left.map((n) => n.Name).sort(), ['bridge', 'host', 'none']);
  });

  it('Connection: Upgrade on plain routes: answered as plain HTTP, and no descriptor is held', async () => {
    const upgrade = (method: string, path: string): string => `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`;
    // A body on an upgraded plain request still reaches the handler.
    const vol = await rawExchange(
      d.socket,
      `POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"Name":"upgv"}`,
      { ms: 5000 },
    );
    assert.equal(vol.status, 201, vol.text);
    assert.match(vol.text, /"Name":"upgv"/);
    const now = Math.floor(Date.now() / 1000);
    const routes: Array<[string, string, RegExp]> = [
      ['GET', '/_ping', /\r\n\r\n(2\r\n)?OK\b/],
      ['HEAD', '/_ping', /^HTTP\/1\.1 200/],
      ['GET', `${V}/version`, /"ApiVersion"/],
      ['GET', `${V}/info`, /"Containers"/],
      ['GET', `${V}/containers/json`, /\[/],
      ['GET', `${V}/images/json`, /busybox/],
      ['GET', `${V}/events?since=${now - 600}&until=${now + 1}`, /"Type":"volume"/],
      ['GET', `${V}/containers/nope/json`, /No such container: nope/],
      ['POST', `${V}/containers/nope/start`, /No such container: nope/],
    ];
    for (const [method, path, expected] of routes) {
      const r = await rawExchange(d.socket, upgrade(method, path), { ms: 5000 });
      assert.ok(r.status === 200 || r.status === 404, `${method} ${path}: ${r.text.slice(0, 300)}`);
      assert.match(r.text, expected, `${method} ${path}`);
      assert.match(r.text, /\r\nConnection: close\r\n/i);
    }
    const send = (i: number): Promise<{ status: number; text: string }> => rawExchange(d.socket, upgrade('GET', routes[i % 6]![1]), { ms: 5000 });
    await runMany(20, 8, send, (r) => assert.equal(r.status, 200)); // warm-up: whatever berthd opens once is open
    const start = await fds();
    await runMany(200, 8, send, (r, i) => assert.equal(r.status, 200, `request ${i}: ${r.text.slice(0, 200)}`));
    const end = await fds();
    process.stderr.write(`# concurrency: berthd fds ${start} before, ${end} after 200 upgrade requests on plain routes\n`);
    assert.ok(end <= start + 5, `fds grew from ${start} to ${end}`);
    assert.doesNotMatch(d.log(), /writeHead/);
  });

  it('a Dockerfile ending in a lone \\ is a 400 parse error', async () => {
    for (const [dockerfile, line] of [
      ['FROM busybox\n\\', 2],
      ['FROM busybox\nRUN true\n\\\n', 3],
    ] as const) {
      const tar = await makeTar([{ name: 'Dockerfile', body: dockerfile }]);
      const r = await api.call({ method: 'POST', path: `${V}/build?t=lone`, body: tar, headers: { 'Content-Type': 'application/x-tar' } });
      assert.equal(r.status, 400, r.message);
      assert.equal(r.message, `dockerfile parse error on line ${line}: unknown instruction: `);
    }
    const cli = await d.docker(['build', '-q', '-t', 'continued', '-'], { input: 'FROM busybox\nRUN echo hi \\' });
    assert.equal(cli.code, 0, `a continuation at the very end just ends the instruction: ${cli.stderr}`);
  });

  it('a truncated gzip on images/load: 200 with the error in the JSON stream, nothing stored', async () => {
    const file = join(d.dir, 'busybox.tar');
    assert.equal((await d.docker(['save', '-o', file, 'busybox'])).code, 0);
    const gz = gzipSync(await readFile(file));
    const images = async (): Promise<number> => ((await d.api('GET', `${V}/images/json?all=1`)).json as unknown[]).length;
    const before = await images();
    for (const cut of [10, gz.length >> 1, gz.length - 8]) {
      const r = await rawExchange(
        d.socket,
        [
          `POST ${V}/images/load?quiet=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-tar\r\nContent-Length: ${cut}\r\nConnection: close\r\n\r\n`,
          gz.subarray(0, cut),
        ],
        { ms: 30_000 },
      );
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.match(r.text, /"errorDetail":\{"message":"[^"]+"\}/, `cut at ${cut}: ${r.text.slice(-300)}`);
    }
    assert.equal(await images(), before);
    assert.deepEqual(await readdir(`${d.dataRoot}/tmp`).catch(() => []), [], 'spool removed');
    const cli = await d.docker(['load'], { input: gz.subarray(0, gz.length >> 1) });
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /unexpected end of file|unexpected EOF/);
  });

  it("exec resize racing the exec's start and end: never a 5xx", async () => {
    const run = await d.berth(['run', '-d', '--name', 'sizer', 'busybox', 'sleep', '1000']);
    assert.equal(run.code, 0, run.stderr);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 60; i++) {
      const ex = await api.call({ method: 'POST', path: `${V}/containers/sizer/exec`, body: body({ Cmd: ['true'], Tty: true }) });
      assert.equal(ex.status, 201, ex.message);
      const id = (ex.json as { Id: string }).Id;
      const resize = (): Promise<{ status: number; message: string }> => api.call({ method: 'POST', path: `${V}/exec/${id}/resize?h=${20 + (i % 5)}&w=80` });
      const all = await Promise.all([
        resize(),
        api.call({ method: 'POST', path: `${V}/exec/${id}/start`, body: body({ Detach: true, Tty: true }) }),
        ...Array.from({ length: 6 }, resize),
      ]);
      for (const a of all) {
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        assert.ok(a.status < 500, `iteration ${i}: ${a.status} ${a.message}`);
      }
    }
    process.stderr.write(`# concurrency: exec resize race statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    assert.doesNotMatch(d.log(), /EPIPE/);
  });

  it('rmi of a classic-build image deletes its untagged parent chain (not with noprune, not a shared parent)', async () => {
    const all = async (): Promise<string[]> => ((await d.api('GET', `${V}/images/json?all=1`)).json as Array<{ Id: string }>).map((i) => i.Id).sort();
    const start = await all();
    const build = async (tag: string, dockerfile: string): Promise<void> => {
      const tar = await makeTar([{ name: 'Dockerfile', body: dockerfile }]);
      const r = await api.call({ method: 'POST', path: `${V}/build?t=${tag}&rm=1`, body: tar, headers: { 'Content-Type': 'application/x-tar' } });
      assert.equal(r.status, 200, r.message);
    };
    const steps = 'FROM busybox\nENV A=1\nRUN echo a > /a\nLABEL b=2\nRUN echo c > /c\n';
    await build('chain:1', steps);
    assert.ok((await all()).length >= start.length + 4, 'the build left its step images');
    const rmi = await d.api('DELETE', `${V}/images/chain:1`);
    assert.equal(rmi.status, 200, rmi.body);
    const items = rmi.json as Array<{ Untagged?: string; Deleted?: string }>;
    assert.equal(items[0]!.Untagged, 'chain:1');
    assert.ok(items.filter((x) => x.Deleted).length >= 4, rmi.body);
    assert.deepEqual(await all(), start, 'every untagged parent went with it; busybox stays');

    await build('chain:2', steps);
    assert.equal((await d.api('DELETE', `${V}/images/chain:2?noprune=1`)).status, 200);
    const kept = await all();
    assert.ok(kept.length >= start.length + 3, 'noprune keeps the parents');
    await d.api('POST', `${V}/images/prune?filters=${encodeURIComponent(body({ dangling: ['true'] }))}`);
    assert.deepEqual(await all(), start);

    // Two builds sharing their first steps: removing one keeps the shared parents for the other.
    await build('chain:3', steps);
    await build('chain:4', `${steps}RUN echo d > /d\n`.replace('RUN echo c > /c\n', 'RUN echo other > /c\n'));
    assert.equal((await d.api('DELETE', `${V}/images/chain:3`)).status, 200);
    const run = await d.berth(['run', '--rm', 'chain:4', 'cat', '/a', '/c']);
    assert.equal(run.stdout, 'a\nother\n', run.stderr);
    assert.equal((await d.api('DELETE', `${V}/images/chain:4`)).status, 200);
    assert.deepEqual(await all(), start);
  });
});
