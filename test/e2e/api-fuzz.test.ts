import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTAINER_CREATE } from '../../src/api/bodies.js';
import type { JsonType } from '../../src/api/decode.js';
import { makeTar, readTar } from './archive-util.js';
import { ROOT } from './clients.js';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { keepAliveClient, openRaw, rawExchange, rawGet, rssKiB, runMany, type ApiCall } from './raw-http.js';

// Hostile input never hurts: every case is answered with a 4xx and a message, berthd keeps
// serving, and 100k hostile requests do not grow its memory. The cases are listed in docs/security.md.

const V = '/v1.41';
const json = (method: string, path: string, body: unknown): ApiCall => ({
  method,
  path: V + path,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** One wrong-typed create body per field of the create request (every field family, nested ones too). */
function wrongTypedBodies(t: JsonType, wrap: (v: unknown) => unknown, out: Array<[string, unknown]>, path: string): void {
  const wrongs: Record<string, unknown[]> = {
    string: [5, true],
    bool: ['yes', 1],
    int: ['x', 1.5],
    uint: [-1, 'x'],
    number: ['x'],
    strslice: [5, [1]],
    empty: ['x', [1]],
  };
  if (typeof t === 'string') {
    for (const w of wrongs[t] ?? []) out.push([path, wrap(w)]);
    return;
  }
  if ('list' in t) {
    out.push([path, wrap({ not: 'a list' })]);
    wrongTypedBodies(t.list, (v) => wrap([v]), out, `${path}[0]`);
  } else if ('map' in t) {
    out.push([path, wrap(['not', 'a map'])]);
    wrongTypedBodies(t.map, (v) => wrap({ k: v }), out, `${path}.k`);
  } else {
    if (path !== '') out.push([path, wrap('not an object')]);
    for (const [k, ft] of Object.entries(t.fields)) wrongTypedBodies(ft, (v) => wrap({ [k]: v }), out, path ? `${path}.${k}` : k);
  }
}

/** One create body per place a null can go: every field null, every list holding a null, every map a null value. */
function nullBodies(t: JsonType, wrap: (v: unknown) => unknown, out: Array<[string, unknown]>, path: string): void {
  if (typeof t === 'string') return;
  if ('list' in t) {
    out.push([`${path}[null]`, wrap([null])]);
    nullBodies(t.list, (v) => wrap([v]), out, `${path}[0]`);
  } else if ('map' in t) {
    out.push([`${path}.k=null`, wrap({ k: null })]);
    nullBodies(t.map, (v) => wrap({ k: v }), out, `${path}.k`);
  } else {
    for (const [k, ft] of Object.entries(t.fields)) {
      const at = path ? `${path}.${k}` : k;
      out.push([`${at}=null`, wrap({ [k]: null })]);
      nullBodies(ft, (v) => wrap({ [k]: v }), out, at);
    }
  }
}

describe('API fuzz', () => {
  let d: Daemon;
  let api: ReturnType<typeof keepAliveClient>;
  let web: string;
  const ping = async (): Promise<void> => assert.equal((await d.api('GET', '/_ping')).status, 200, 'berthd still serves');
  const alive = (): void => assert.doesNotThrow(() => process.kill(d.pid, 0), 'berthd is alive');

  before(async () => {
    d = await startDaemon();
    api = keepAliveClient(d.socket);
    const r = await d.berth(['run', '-d', '--name', 'web', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
    web = r.stdout.trim();
  });
  after(async () => {
    api?.close();
    await d?.stop();
  });

  /** Sends the calls and checks each got the status (or a 4xx) and a message matching. */
  async function expectAll(cases: Array<[string, ApiCall, number | '4xx', RegExp?]>): Promise<void> {
    const failures: string[] = [];
    for (const [what, call, status, message] of cases) {
      const r = await api.call(call);
      const statusOk = status === '4xx' ? r.status >= 400 && r.status < 500 : r.status === status;
      if (!statusOk || !r.message || (message && !message.test(r.message))) failures.push(`${what}: ${r.status} ${JSON.stringify(r.message)}`);
    }
    assert.deepEqual(failures, []);
    alive();
  }

  it('malformed and truncated JSON bodies: 400 "invalid JSON" on every JSON endpoint', async () => {
    const endpoints = [
      '/containers/create',
      `/containers/${web}/update`,
      `/containers/${web}/exec`,
      '/volumes/create',
      '/networks/create',
      `/networks/bridge/connect`,
      `/networks/bridge/disconnect`,
      '/commit?container=web',
      '/auth',
    ];
    const bodies = [
      '{',
      '{"Image":',
      '{"Image":"busybox",',
      '[1,2',
      'nul',
      '{"a":1,}',
      "{'a':1}",
      '\u0000',
      '{"a":"\ud800"',
      Buffer.from([0xff, 0xfe, 0x7b]).toString('latin1'),
      '['.repeat(100_000),
    ];
    const cases: Array<[string, ApiCall, number, RegExp]> = [];
    for (const e of endpoints) for (const b of bodies) cases.push([`${e} ${JSON.stringify(b.slice(0, 20))}`, json('POST', e, b), 400, /^invalid JSON: /]);
    await expectAll(cases);
  });

  it("wrong types in every field of container create: 400 with Go's unmarshal error", async () => {
    const bodies: Array<[string, unknown]> = [];
    wrongTypedBodies(CONTAINER_CREATE, (v) => v, bodies, '');
    assert.ok(bodies.length > 150, `only ${bodies.length} cases`);
    await expectAll(
      bodies.map(([path, body]) => [
        path,
        json('POST', '/containers/create', { Image: 'busybox', ...(body as object) }),
        400,
        /^json: cannot unmarshal .* into Go (struct field|value)/,
      ]),
    );
    await expectAll([
      ['a list body', json('POST', '/containers/create', [1]), 400, /into Go value of type CreateRequest/],
      ['a string body', json('POST', '/containers/create', '"x"'), 400, /into Go value of type CreateRequest/],
      ['exec Cmd', json('POST', `/containers/${web}/exec`, { Cmd: 5 }), 400, /ExecConfig\.Cmd/],
      ['exec ConsoleSize', json('POST', `/containers/${web}/exec`, { Cmd: ['true'], ConsoleSize: 'x' }), 400, /ConsoleSize/],
      ['update Memory', json('POST', `/containers/${web}/update`, { Memory: 'lots' }), 400, /UpdateConfig\.Memory/],
      ['volume Labels', json('POST', '/volumes/create', { Labels: { a: 1 } }), 400, /Labels\.a/],
      ['network IPAM', json('POST', '/networks/create', { Name: 'n', IPAM: { Config: 'x' } }), 400, /IPAM\.Config/],
      ['network connect', json('POST', '/networks/bridge/connect', { Container: 5 }), 400, /Container/],
      ['commit Env', json('POST', '/commit?container=web', { Env: 'A=1' }), 400, /Config\.Env/],
      ['auth username', json('POST', '/auth', { username: 5 }), 400, /username/],
      [
        'build buildargs',
        {
          method: 'POST',
          path: `${V}/build?buildargs=${encodeURIComponent('{"a":1}')}`,
          body: await makeTar([{ name: 'Dockerfile', body: 'FROM busybox\n' }]),
          headers: { 'Content-Type': 'application/x-tar' },
        },
        400,
        /buildargs/,
      ],
      [
        'X-Registry-Auth',
        {
          method: 'POST',
          path: `${V}/images/create?fromImage=localhost:1/x&tag=y`,
          headers: { 'X-Registry-Auth': Buffer.from('{"username":[1]}').toString('base64') },
        },
        400,
        /X-Registry-Auth/,
      ],
    ]);
    assert.equal(
      (await d.api('GET', `${V}/containers/json?all=1`)).json instanceof Array && ((await d.api('GET', `${V}/containers/json?all=1`)).json as unknown[]).length,
      1,
      'nothing was created',
    );
  });

  it("well-typed but wrong create bodies: 400 at create (Docker's checks) or 4xx at start, never a 5xx", async () => {
    const atCreate: Array<[string, object, RegExp]> = [
      ['container port abc', { HostConfig: { PortBindings: { 'abc/tcp': [{ HostPort: '80' }] } } }, /invalid port specification: "abc\/tcp"/],
      ['host port 99999', { HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '99999' }] } } }, /invalid port specification: "99999"/],
      ['exposed port 99999/xyz', { ExposedPorts: { '99999/xyz': {} } }, /invalid port specification/],
      ['restart policy bogus', { HostConfig: { RestartPolicy: { Name: 'bogus' } } }, /invalid restart policy: unknown policy 'bogus'/],
      ['negative retries', { HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } } }, /cannot be negative/],
      ['healthcheck interval -1', { Healthcheck: { Test: ['CMD', 'true'], Interval: -1 } }, /Interval in Healthcheck cannot be less than 1ms/],
      ['stop signal NOPE', { StopSignal: 'NOPE' }, /Invalid signal: NOPE/],
      ['relative working dir', { WorkingDir: 'relative' }, /needs to be an absolute path/],
      ['env =x', { Env: ['=x'] }, /invalid environment variable: =x/],
      ['bogus mount type', { HostConfig: { Mounts: [{ Type: 'bogus', Target: '/x' }] } }, /mount type unknown/],
      ['relative bind source', { HostConfig: { Mounts: [{ Type: 'bind', Source: 'rel', Target: '/x' }] } }, /must be absolute/],
      ['bind onto /', { HostConfig: { Binds: ['/tmp:/'] } }, /destination can't be '\/'/],
      ['bind mode bogus', { HostConfig: { Binds: ['/tmp:/x:bogus'] } }, /invalid mode: bogus/],
      ['volumes-from nope', { HostConfig: { VolumesFrom: ['nope'] } }, /No such container: nope/],
      ['network container:nope', { HostConfig: { NetworkMode: 'container:nope' } }, /No such container: nope/],
      [
        'fixed IP on the default bridge',
        { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: 'bad' } } } } },
        /user defined networks only/,
      ],
    ];
    await expectAll(
      atCreate.map(([what, extra, message]) => [what, json('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], ...extra }), '4xx', message]),
    );
    const atStart: Array<[string, object]> = [
      ['memory -1', { HostConfig: { Memory: -1 } }],
      ['cpuset abc', { HostConfig: { CpusetCpus: 'abc' } }],
      ['cpu quota 5', { HostConfig: { CpuQuota: 5 } }],
      ['blkio weight 5', { HostConfig: { BlkioWeight: 5 } }],
      ['ulimit bogus', { HostConfig: { Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 0 }] } }],
      ['tmpfs size=abc', { HostConfig: { Tmpfs: { '/x': 'size=abc' } } }],
      ['user nosuchuser', { User: 'nosuchuser' }],
      ['cap BOGUS', { HostConfig: { CapAdd: ['BOGUS'] } }],
      ['a 300-char hostname', { Hostname: 'a'.repeat(300) }],
      ['a NUL in an env name', { Env: ['A\u0000B=1'] }],
    ];
    const failures: string[] = [];
    for (const [what, extra] of atStart) {
      const c = await api.call(json('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], ...extra }));
      if (c.status !== 201) {
        if (c.status < 400 || c.status >= 500) failures.push(`${what}: create ${c.status} ${c.message}`);
        continue;
      }
      const id = (c.json as { Id: string }).Id;
      const st = await api.call({ method: 'POST', path: `${V}/containers/${id}/start` });
      if (st.status < 400 || st.status >= 500 || !st.message) failures.push(`${what}: start ${st.status} ${st.message}`);
      await d.api('DELETE', `${V}/containers/${id}?force=1`);
    }
    assert.deepEqual(failures, []);
    alive();
  });

  it("null and deeply nested shapes: 201 or 400 (Go's reading of null), never a 5xx", async () => {
    const bodies: Array<[string, unknown]> = [];
    nullBodies(CONTAINER_CREATE, (v) => v, bodies, '');
    assert.ok(bodies.length > 100, `only ${bodies.length} cases`);
    const nest = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const raw = (what: string, text: string): [string, string] => [what, text];
    const rawBodies = [
      raw('ExposedPorts nested 9000 deep', `{"Image":"busybox","Cmd":["true"],"ExposedPorts":{"80/tcp":${nest(9000)}}}`),
      raw('Volumes nested 9000 deep', `{"Image":"busybox","Cmd":["true"],"Volumes":{"/v":${nest(9000)}}}`),
      raw('ExposedPorts nested 20000 deep', `{"Image":"busybox","Cmd":["true"],"ExposedPorts":{"80/tcp":${nest(20_000)}}}`),
      raw('Labels nested 20000 deep', `{"Image":"busybox","Cmd":["true"],"Labels":${nest(20_000)}}`),
    ];
    const failures: string[] = [];
    const created: string[] = [];
    const check = (what: string, r: { status: number; message: string; json: unknown }, ok: number[]): void => {
      if (!ok.includes(r.status) || (r.status >= 400 && !r.message)) failures.push(`${what}: ${r.status} ${r.message}`);
      if (r.status === 201 && typeof (r.json as { Id?: unknown }).Id === 'string') created.push((r.json as { Id: string }).Id);
    };
    for (const [what, extra] of bodies)
      check(what, await api.call(json('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], ...(extra as object) })), [201, 400]);
    for (const [what, text] of rawBodies) check(what, await api.call(json('POST', '/containers/create', text)), what.includes('20000') ? [400] : [201]);
    const others: Array<[string, ApiCall]> = [
      ['exec Cmd [null]', json('POST', `/containers/${web}/exec`, { Cmd: [null] })],
      ['exec Env [null]', json('POST', `/containers/${web}/exec`, { Cmd: ['true'], Env: [null], ConsoleSize: null })],
      ['exec start null', json('POST', `/exec/nope/start`, { Detach: null, ConsoleSize: [null] })],
      ['update RestartPolicy null', json('POST', `/containers/${web}/update`, { RestartPolicy: null, Memory: null })],
      ['volume Labels {a: null}', json('POST', '/volumes/create', { Name: 'nullv', Labels: { a: null }, DriverOpts: null })],
      ['network IPAM null', json('POST', '/networks/create', { Name: 'nulln1', IPAM: null, Labels: { a: null } })],
      ['network IPAM.Config [null]', json('POST', '/networks/create', { Name: 'nulln2', IPAM: { Config: [null] } })],
      ['network connect EndpointConfig null', json('POST', '/networks/nulln1/connect', { Container: null, EndpointConfig: null })],
      ['network disconnect null', json('POST', '/networks/nulln1/disconnect', { Container: null })],
      ['commit Env [null]', json('POST', '/commit?container=web&repo=nullc', { Env: [null], Cmd: null, ExposedPorts: { '80/tcp': null } })],
      ['auth nulls', json('POST', '/auth', { username: null, password: null, serveraddress: null })],
    ];
    for (const [what, call] of others) {
      const r = await api.call(call);
      if (r.status >= 500 || r.status === 0) failures.push(`${what}: ${r.status} ${r.message}`);
    }
    // The ones that are real containers start (or refuse to, with a 4xx) like any other.
    for (const [what, extra] of [
      ['HostConfig null', { HostConfig: null }],
      ['Env [null]', { Env: [null, 'A=1'] }],
      ['Mounts [null]', { HostConfig: { Mounts: [null] } }],
      ['deep ExposedPorts', rawBodies[0]![1]],
    ] as const) {
      const c = await api.call(json('POST', '/containers/create', typeof extra === 'string' ? extra : { Image: 'busybox', Cmd: ['true'], ...extra }));
      if (c.status !== 201) {
        if (c.status !== 400) failures.push(`${what}: create ${c.status} ${c.message}`);
        continue;
      }
      const id = (c.json as { Id: string }).Id;
      created.push(id);
      const st = await api.call({ method: 'POST', path: `${V}/containers/${id}/start` });
      if (st.status >= 500) failures.push(`${what}: start ${st.status} ${st.message}`);
      const inspect = await api.call({ method: 'GET', path: `${V}/containers/${id}/json` });
      if (inspect.status !== 200) failures.push(`${what}: inspect ${inspect.status} ${inspect.message}`);
    }
    process.stderr.write(`# api-fuzz: ${bodies.length + rawBodies.length} null/nested create bodies, ${created.length} created\n`);
    assert.deepEqual(failures, []);
    for (const id of created) await d.api('DELETE', `${V}/containers/${id}?force=1`);
    for (const n of ['nulln1', 'nulln2']) await d.api('DELETE', `${V}/networks/${n}`);
    await d.api('DELETE', `${V}/volumes/nullv`);
    await d.api('DELETE', `${V}/images/nullc`);
    alive();
    await ping();
    assert.doesNotMatch(d.log(), /Maximum call stack|RangeError/);
  });

  it('huge bodies: 413 without reading them (declared, chunked, upgraded)', async () => {
    const declared = await rawExchange(
      d.socket,
      `POST ${V}/containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 107374182400\r\n\r\n{`,
    );
    assert.equal(declared.status, 413, declared.text);
    assert.match(declared.text, /request body too large/);
    const big = Buffer.alloc(5 << 20, 'a');
    const chunked = await rawExchange(d.socket, [
      `POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      `${big.length.toString(16)}\r\n`,
      big,
      '\r\n0\r\n\r\n',
    ]);
    assert.equal(chunked.status, 413, chunked.text.slice(0, 300));
    const upgraded = await rawExchange(
      d.socket,
      `POST ${V}/containers/${web}/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 107374182400\r\n\r\n`,
    );
    assert.equal(upgraded.status, 413, upgraded.text);
    await ping();
  });

  it('many large chunked bodies: 413 each, and the memory they took is given back', async () => {
    const big = Buffer.alloc(10 << 20, 'a');
    const send = (): Promise<{ status: number }> =>
      rawExchange(d.socket, [
        `POST ${V}/containers/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        `${big.length.toString(16)}\r\n`,
        big,
        '\r\n0\r\n\r\n',
      ]);
    const rss = async (): Promise<number> => rssKiB(d.pid, await readFile(`/proc/${d.pid}/status`, 'utf8'));
    const before = await rss();
    let peak = before;
    const sampler = setInterval(
      () =>
        void rss().then(
          (v) => (peak = Math.max(peak, v)),
          () => undefined,
        ),
      100,
    );
    try {
      await runMany(64, 16, send, (r) => assert.equal(r.status, 413));
    } finally {
      clearInterval(sampler);
    }
    // Before the fix the socket buffers' malloc heap stayed: ≈ 60 MB above the start, for good.
    const bound = before + 32 * 1024;
    const settled = await eventually(
      'RSS back near where it was',
      async () => {
        const now = await rss();
        return now <= bound ? now : undefined;
      },
      90_000,
    );
    process.stderr.write(`# api-fuzz: 64 chunked 10 MB bodies: RSS ${before} KiB before, ${peak} KiB peak, ${settled} KiB settled\n`);
    await ping();
  });

  it('header abuse and broken framing: 4xx from the parser, never a crash', async () => {
    const req = (head: string, body = ''): string => `${head}\r\n\r\n${body}`;
    const cases: Array<[string, string | Buffer, number]> = [
      ['bad Content-Length', req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nContent-Length: abc`), 400],
      ['negative Content-Length', req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nContent-Length: -5`), 400],
      ['two Content-Lengths', req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3`, '{}'), 400],
      [
        'Content-Length and chunked',
        req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked`, '2\r\n{}\r\n0\r\n\r\n'),
        400,
      ],
      ['bad chunk size', req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked`, 'zz\r\n{}\r\n0\r\n\r\n'), 400],
      ['chunk longer than said', req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked`, '1\r\n{}\r\n0\r\n\r\n'), 400],
      ['unknown transfer coding', req(`POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, zz`, '0\r\n\r\n'), 400],
      ['a 20 KiB header', req(`GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}`), 431],
      ['20000 headers', req(`GET /_ping HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(20_000)}X-Z: z`), 431],
      ['a NUL in a header', req(`GET /_ping HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b`), 400],
      ['a header without a colon', req(`GET /_ping HTTP/1.1\r\nHost: x\r\nnonsense`), 400],
      ['a garbage request line', req('GARBAGE'), 400],
      ['a binary request', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]), 400],
      ['an absolute-form target', req(`GET http://evil.example${V}/version HTTP/1.1\r\nHost: x`), 400],
      ['an authority-form target', req('CONNECT evil.example:443 HTTP/1.1\r\nHost: x'), 400],
      ['a * target', req('OPTIONS * HTTP/1.1\r\nHost: x'), 400],
      ['a bad method', req(`G(T ${V}/version HTTP/1.1\r\nHost: x`), 400],
      ['an upgrade to an unknown container', req(`POST ${V}/containers/nope/attach?stream=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp`), 404],
    ];
    const failures: string[] = [];
    for (const [what, data, status] of cases) {
      const r = await rawExchange(d.socket, data);
      if (r.status !== status) failures.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
    alive();
    await ping();
  });

  it('unknown routes and methods: 404 "page not found"; bad versions and escapes: 400', async () => {
    await expectAll([
      ['unknown path', { method: 'GET', path: `${V}/nope` }, 404, /^page not found$/],
      ['unversioned unknown', { method: 'GET', path: '/containers' }, 404, /^page not found$/],
      ['wrong method', { method: 'DELETE', path: '/_ping' }, 404, /^page not found$/],
      ['odd method', { method: 'PURGE', path: `${V}/containers/json` }, 404, /^page not found$/],
      ['too new a version', { method: 'GET', path: '/v9.99/version' }, 400, /client version 9\.99 is too new/],
      ['too old a version', { method: 'GET', path: '/v1.0/version' }, 400, /too old/],
      ['a bad % escape', { method: 'GET', path: `${V}/containers/%zz/json` }, 400, /invalid URL escape/],
      ['a bad query escape', { method: 'GET', path: `${V}/containers/json?filters=%zz` }, 400, /invalid filter/],
      ['a NUL in a name', { method: 'GET', path: `${V}/containers/a%00b/json` }, 404, /No such container/],
      ['bad filters', { method: 'GET', path: `${V}/containers/json?filters=${encodeURIComponent('{"status":5}')}` }, 400, /invalid filter/],
      ['bad limit', { method: 'GET', path: `${V}/containers/json?limit=abc` }, 400, /limit/],
      ['bad stop timeout', { method: 'POST', path: `${V}/containers/${web}/stop?t=abc` }, 400, /\bt\b/],
      ['bad signal', { method: 'POST', path: `${V}/containers/${web}/kill?signal=NOPE` }, 400, /signal/i],
      ['bad tail', { method: 'GET', path: `${V}/containers/${web}/logs?stdout=1&tail=abc` }, '4xx'],
      ['bad since', { method: 'GET', path: `${V}/events?since=abc` }, 400, /timestamp/],
      ['bad resize', { method: 'POST', path: `${V}/containers/${web}/resize?h=a&w=b` }, 400],
      ['archive without a path', { method: 'GET', path: `${V}/containers/${web}/archive` }, 400, /path/],
    ]);
    // A client base URL with a trailing slash: `//v1.41/…` is a path, not a host.
    assert.equal((await api.call({ method: 'GET', path: `/${V}/version` })).status, 200);
  });

  it('path traversal in ids, names and volume names', async () => {
    await expectAll([
      ['container id ../', { method: 'GET', path: `${V}/containers/..%2F..%2F..%2Fetc%2Fpasswd/json` }, 404, /No such container/],
      ['container name ../', json('POST', '/containers/create?name=..%2Fx', { Image: 'busybox' }), 400, /Invalid container name/],
      ['container name /', json('POST', '/containers/create?name=a%2Fb', { Image: 'busybox' }), 400, /Invalid container name/],
      ['rename to ../', { method: 'POST', path: `${V}/containers/${web}/rename?name=..%2F..%2Fx` }, 400, /Invalid container name/],
      ['volume name ../', json('POST', '/volumes/create', { Name: '../escape' }), 400, /invalid characters for a local volume name/],
      ['volume name a/b', json('POST', '/volumes/create', { Name: 'a/b' }), 400, /invalid characters/],
      ['volume name ..', json('POST', '/volumes/create', { Name: '..' }), 400, /invalid characters/],
      ['volume get ../', { method: 'GET', path: `${V}/volumes/..%2F..%2Fcontainers` }, 404, /no such volume/],
      ['volume rm ../', { method: 'DELETE', path: `${V}/volumes/..%2Fvolumes` }, 404, /no such volume/],
      ['volume rm ..', { method: 'DELETE', path: `${V}/volumes/%2E%2E` }, 404, /no such volume|page not found/],
      ['-v ../ as a volume name', json('POST', '/containers/create', { Image: 'busybox', HostConfig: { Binds: ['../x:/x'] } }), 400, /invalid/],
      ['image name ../', { method: 'GET', path: `${V}/images/..%2F..%2Fetc%2Fpasswd/json` }, '4xx', /No such image|invalid reference/],
      ['image rm ../', { method: 'DELETE', path: `${V}/images/..%2F..%2Fcontent` }, '4xx'],
      ['exec id ../', { method: 'GET', path: `${V}/exec/..%2F..%2Fx/json` }, 404],
      ['network ../', { method: 'GET', path: `${V}/networks/..%2F..%2Fx` }, 404],
    ]);
  });

  it('archive paths with ../ stay inside the container; a network named ../x is only a name', async () => {
    const inside = (await d.berth(['exec', 'web', 'cat', '/etc/passwd'])).stdout;
    assert.notEqual(inside, await readFile('/etc/passwd', 'utf8'));
    for (const path of ['../../../../../../etc/passwd', '/../../../etc/passwd', '/etc/../../../etc/passwd']) {
      const r = await rawGet(d.socket, `${V}/containers/${web}/archive?path=${encodeURIComponent(path)}`);
      assert.equal(r.status, 200);
      const [member] = await readTar(r.body);
      assert.equal(member?.body.toString(), inside, `${path} read the container's /etc/passwd`);
    }
    // Docker accepts any non-empty network name; berth stores networks by ID, so the name goes nowhere.
    const net = await d.api('POST', `${V}/networks/create`, { Name: '../../x' });
    assert.equal(net.status, 201, net.body);
    assert.equal((await d.api('DELETE', `${V}/networks/${encodeURIComponent('../../x')}`)).status, 204);
    const put = await d.api(
      'PUT',
      `${V}/containers/${web}/archive?path=${encodeURIComponent('../../../../../tmp')}`,
      await makeTar([{ name: 'berth-fuzz-put', body: 'x' }]),
      { 'Content-Type': 'application/x-tar' },
    );
    assert.equal(put.status, 200, put.body);
    assert.equal((await d.berth(['exec', 'web', 'cat', '/tmp/berth-fuzz-put'])).stdout, 'x');
    await assert.rejects(readFile('/tmp/berth-fuzz-put'));
  });

  it('invalid references: 400 "invalid reference format"', async () => {
    await expectAll([
      ['pull UPPER', { method: 'POST', path: `${V}/images/create?fromImage=UPPER&tag=latest` }, 400, /invalid reference format/],
      ['pull a space', { method: 'POST', path: `${V}/images/create?fromImage=a%20b` }, 400, /invalid reference format/],
      ['pull a bad tag', { method: 'POST', path: `${V}/images/create?fromImage=busybox&tag=bad%20tag` }, 400, /invalid/],
      ['pull a bad digest', { method: 'POST', path: `${V}/images/create?fromImage=busybox@sha256:zz` }, 400, /invalid/],
      ['tag UPPER', { method: 'POST', path: `${V}/images/busybox/tag?repo=Bad` }, 400, /invalid reference format/],
      ['tag ../', { method: 'POST', path: `${V}/images/busybox/tag?repo=..%2Fx` }, 400, /invalid reference format/],
      ['create with ::', json('POST', '/containers/create', { Image: '::' }), 400, /invalid reference format/],
      ['create with ../', json('POST', '/containers/create', { Image: '../../etc' }), '4xx', /invalid reference format|No such image/],
      [
        'build -t UPPER',
        { method: 'POST', path: `${V}/build?t=UPPER`, body: Buffer.alloc(1024), headers: { 'Content-Type': 'application/x-tar' } },
        400,
        /invalid reference format/,
      ],
      ['commit repo UPPER', { method: 'POST', path: `${V}/commit?container=web&repo=UPPER` }, 400, /invalid reference format/],
      ['push UPPER', { method: 'POST', path: `${V}/images/UPPER/push` }, '4xx'],
    ]);
  });

  it('slow clients: headers trickling in are cut off (408), and nobody waits for them', async () => {
    const slow = await Promise.all(Array.from({ length: 20 }, () => openRaw(d.socket)));
    for (const s of slow) s.write(`GET ${V}/version HTTP/1.1\r\nHost: x\r\n`);
    const trickle = setInterval(() => slow.forEach((s) => !s.destroyed && s.write('X-Slow: 1\r\n')), 500);
    try {
      await runMany(
        200,
        8,
        () => api.call({ method: 'GET', path: `${V}/version` }),
        (r) => assert.equal(r.status, 200),
      );
      await eventually('slow clients cut off', async () => slow.every((s) => s.ended()), 30_000);
      assert.ok(
        slow.every((s) => /^HTTP\/1\.1 408/.test(s.received())),
        slow[0]!.received(),
      );
    } finally {
      clearInterval(trickle);
      slow.forEach((s) => s.destroy());
    }
    await ping();
  });

  it('half-written requests: held or dropped, they block nobody', async () => {
    const half = await Promise.all(Array.from({ length: 20 }, () => openRaw(d.socket)));
    half.forEach((s, i) =>
      s.write(
        `POST ${V}/containers/create${i % 2 ? '' : `?name=half${i}`} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Image":"bu`,
      ),
    );
    await runMany(
      100,
      8,
      () => api.call({ method: 'GET', path: `${V}/containers/json` }),
      (r) => assert.equal(r.status, 200),
    );
    // Dropped half-way: the handler gives up; nothing was created.
    half.forEach((s) => s.destroy());
    const dropped = await rawExchange(
      d.socket,
      `POST ${V}/containers/${web}/attach?stream=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 10\r\n\r\n{`,
      { ms: 200 },
    );
    assert.equal(dropped.status, 0);
    await ping();
    const list = (await d.api('GET', `${V}/containers/json?all=1`)).json as unknown[];
    assert.equal(list.length, 1);
  });

  it('garbage query values and bodies on every route: never a 5xx, never a hang', async () => {
    // Routes read from the source, so a new one is swept too. Streams and waits that legitimately
    // stay open are left out, and so are the routes that reach a registry (a name like `nope` is on
    // Docker Hub, which tests never contact); destructive methods only get names that do not exist.
    const routes = readdirSync(join(ROOT, 'src/api/routes')).flatMap((f) =>
      [...readFileSync(join(ROOT, 'src/api/routes', f), 'utf8').matchAll(/router\.add\('([A-Z]+)', '([^']+)'/g)].map((m) => [m[1]!, m[2]!] as const),
    );
    assert.ok(routes.length > 50, `only ${routes.length} routes found`);
    const streaming = /\/(attach|wait|events|stats|logs|export|get|push|load|build)$|\/exec\/\{id\}\/start$|^\/images\/create$|^\/auth$|^\/distribution\//;
    const values = ['', 'abc', '-1', '99999999999999999999', '1e400', '\u0000', '{', '{"a":5}', '[]', 'NaN'];
    const names = [
      'all',
      'limit',
      'size',
      'filters',
      't',
      'signal',
      'since',
      'until',
      'tail',
      'h',
      'w',
      'path',
      'force',
      'v',
      'name',
      'ps_args',
      'repo',
      'tag',
      'container',
      'changes',
      'pause',
      'quiet',
      'noprune',
      'condition',
    ];
    const bodies = [undefined, '{', '[]', 'null', '5', '{"a":1}', '\u0000'];
    const failures: string[] = [];
    let n = 0;
    for (const [method, route] of routes) {
      if (streaming.test(route)) continue;
      const ids = method === 'GET' || method === 'HEAD' ? [web, 'nope', '..%2F..', '%00'] : ['nope', '..%2F..', '%00'];
      for (const id of route.includes('{') ? ids : ['']) {
        for (const [k, name] of names.entries()) {
          const value = values[(k + n) % values.length]!;
          const path = `${V}${route.replace(/\{\w+\*?\}/g, id)}?${name}=${encodeURIComponent(value)}`;
          const body = bodies[n++ % bodies.length];
          const r = await Promise.race([
            api.call({ method, path, body }),
            new Promise<{ status: number; message: string }>((res) => setTimeout(() => res({ status: -1, message: 'no answer in 10 s' }), 10_000)),
          ]);
          if (r.status < 0 || r.status >= 500) failures.push(`${method} ${path} ${JSON.stringify(body)}: ${r.status} ${r.message}`);
        }
      }
    }
    process.stderr.write(`# api-fuzz: route sweep: ${n} requests over ${routes.length} routes\n`);
    assert.deepEqual(failures, []);
    alive();
    await ping();
  });

  it('100k mixed hostile requests: all answered 4xx, RSS stays bounded, normal requests still work', async () => {
    const hostile: ApiCall[] = [
      json('POST', '/containers/create', '{"Image":'),
      json('POST', '/containers/create', { Image: 'busybox', HostConfig: { Memory: 'x' } }),
      json('POST', '/containers/create', { Image: 5 }),
      json('POST', '/volumes/create', { Name: '../x' }),
      json('POST', '/networks/create', '[1'),
      { method: 'GET', path: `${V}/containers/%zz/json` },
      { method: 'GET', path: `${V}/nope/${'x'.repeat(2000)}` },
      { method: 'GET', path: `${V}/containers/..%2F..%2Fetc/json` },
      { method: 'GET', path: `${V}/containers/json?filters=${'%7B'.repeat(500)}` },
      { method: 'POST', path: `${V}/images/create?fromImage=UPPER` },
      { method: 'POST', path: `${V}/containers/${web}/kill?signal=NOPE` },
      json('POST', `/containers/${web}/exec`, { Cmd: 5 }),
      json('POST', '/containers/create', { Image: 'busybox', Labels: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])) }),
    ];
    const raw: Array<string> = [
      `POST ${V}/volumes/create HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`,
      `GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      `POST ${V}/containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n`,
      'GARBAGE\r\n\r\n',
    ];
    const send = async (i: number): Promise<number> => {
      if (i % 20 === 0) return (await rawExchange(d.socket, raw[(i / 20) % raw.length]!)).status;
      return (await api.call(hostile[i % hostile.length]!)).status;
    };
    const check = (status: number, i: number): void => assert.ok(status >= 400 && status < 500, `request ${i}: ${status}`);
    await runMany(10_000, 16, send, check); // warm-up: JIT, pools, heap at its working size
    const status = (): Promise<string> => readFile(`/proc/${d.pid}/status`, 'utf8');
    const before = rssKiB(d.pid, await status());
    const started = Date.now();
    await runMany(100_000, 16, send, check);
    const seconds = (Date.now() - started) / 1000;
    const peak = rssKiB(d.pid, await status());
    // Generous: a leak of even 1 KiB per request would be 100 MB here.
    const bound = before + 64 * 1024;
    const settled = await eventually(
      'RSS back under the bound',
      async () => {
        const now = rssKiB(d.pid, await status());
        return now <= bound ? now : undefined;
      },
      30_000,
    );
    process.stderr.write(
      `# api-fuzz: 100000 hostile requests in ${seconds.toFixed(1)} s; RSS ${before} KiB before, ${peak} KiB right after, ${settled} KiB settled\n`,
    );
    alive();
    const r = await d.berth(['run', '--rm', 'busybox', 'echo', 'still fine']);
    assert.equal(r.stdout, 'still fine\n', r.stderr);
    assert.doesNotMatch(d.log(), /uncaught|FATAL|heap out of memory/i);
  });
});
