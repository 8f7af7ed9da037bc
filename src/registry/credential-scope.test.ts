import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { sha256 } from '../lib/digest.js';
import type { RegistryConfig } from './config.js';
import { MAX_MANIFEST_BYTES, Repository } from './repository.js';

/**
 * Two loopback HTTP servers on two ports — two hosts as far as credentials go: the registry the
 * user logged in to, and another server it points at (an upload Location, a redirect, a token
 * realm over plain HTTP). Each records the Authorization headers it receives.
 */
interface Recorder {
  server: Server;
  origin: string;
  host: string;
  /** `METHOD path → Authorization` of every request. */
  seen: Array<{ line: string; authorization: string | undefined }>;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, self: Recorder) => void, ip = '127.0.0.1'): Promise<Recorder> {
  const self = { seen: [] } as unknown as Recorder;
  self.server = createServer((req, res) => {
    self.seen.push({ line: `${req.method} ${req.url}`, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => handler(req, res, self));
  });
  await new Promise<void>((r) => self.server.listen(0, ip, () => r()));
  const port = (self.server.address() as AddressInfo).port;
  self.host = `${ip}:${port}`;
  self.origin = `http://${self.host}`;
  return self;
}

const USER = { username: 'alice', password: 's3cret-pw' };
const BASIC = `Basic ${Buffer.from('alice:s3cret-pw').toString('base64')}`;
const cfg = (host: string): RegistryConfig => ({ insecure: [host], mirrors: [], certsDir: '/nonexistent', timeoutMs: 5000, chunkSize: 1 << 20 });
const blob = Buffer.from('layer bytes');
const blobDigest = sha256(blob);

describe('registry credentials go only to the registry that asked for them', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  /** The other host: accepts anything, serves the blob, hands out tokens. */
  const other = (ip?: string): Promise<Recorder> =>
    serve((req, res) => {
      if (req.url?.startsWith('/token')) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: 'anon-token' }));
      if (req.method === 'GET') return void res.writeHead(200).end(blob);
      res.writeHead(req.method === 'PUT' ? 201 : 202, { Location: `/upload/next`, 'Docker-Upload-UUID': 'u' }).end();
    }, ip);

  /** The registry: Basic auth; blob GETs redirect to `elsewhere`; uploads continue at `elsewhere`. */
  const registry = (elsewhere: Recorder): Promise<Recorder> =>
    serve((req, res) => {
      if (req.headers.authorization !== BASIC) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
      if (req.method === 'GET' && req.url?.includes('/blobs/')) return void res.writeHead(307, { Location: `${elsewhere.origin}/storage/blob` }).end();
      if (req.method === 'POST' && req.url?.includes('/blobs/uploads/')) return void res.writeHead(202, { Location: `${elsewhere.origin}/upload/1` }).end();
      res.writeHead(404).end();
    });

  it('a blob redirect and an upload Location on another host get no Authorization', async () => {
    const elsewhere = await other();
    const reg = await registry(elsewhere);
    servers.push(elsewhere.server, reg.server);
    const repo = await Repository.open({ cfg: cfg(reg.host), domain: reg.host, name: 'team/app', auth: USER, push: true });
    const body = await repo.blob(blobDigest);
    const got: Buffer[] = [];
    for await (const c of body) got.push(c as Buffer);
    assert.deepEqual(Buffer.concat(got), blob);
    await repo.upload({ digest: blobDigest, size: blob.length, open: () => Readable.from([blob]) }, () => undefined);
    assert.ok(
      reg.seen.some((s) => s.authorization === BASIC),
      'the registry itself got the credentials',
    );
    assert.ok(elsewhere.seen.length >= 2, `the other host was used: ${JSON.stringify(elsewhere.seen)}`);
    assert.deepEqual(
      elsewhere.seen.filter((s) => s.authorization !== undefined),
      [],
      'nothing the other host received carried credentials',
    );
  });

  it('the password does not go to an http:// token realm on another host', async () => {
    // Another loopback address: another host name (another port of the registry's host is the same machine).
    const realm = await other('127.0.0.2');
    const reg = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer anon-token') {
        return void res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="${realm.origin}/token",service="reg"` }).end();
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"tags":["v1"]}');
    });
    servers.push(realm.server, reg.server);
    const repo = await Repository.open({ cfg: cfg(reg.host), domain: reg.host, name: 'team/app', auth: USER });
    assert.deepEqual(await repo.tags(), ['v1']);
    assert.equal(realm.seen.length, 1);
    assert.equal(realm.seen[0]!.authorization, undefined);
  });

  it('a manifest over the limit is refused, declared or not', async () => {
    const big = Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20);
    const reg = await serve((req, res) => {
      if (req.url?.endsWith('/declared')) return void res.writeHead(200, { 'Content-Length': String(big.length) }).end(big);
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.end(big);
    });
    servers.push(reg.server);
    const repo = await Repository.open({ cfg: cfg(reg.host), domain: reg.host, name: 'team/app' });
    for (const ref of ['declared', 'chunked']) {
      await assert.rejects(
        repo.manifest(ref),
        (err: Error & { kind?: string }) => err.kind === 'InvalidArgument' && /manifest .* is too large/.test(err.message),
      );
    }
  });
});
