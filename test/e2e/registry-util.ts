/**
 * Test registries: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a random free
 * port and a temp storage dir, optionally with TLS (a CA and server cert made by openssl) and
 * htpasswd basic auth; plus a "registry" that accepts connections and never answers.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createSign, X509Certificate } from 'node:crypto';
import { writeFile, mkdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, Socket, type Server } from 'node:net';
import { join } from 'node:path';

export interface TestRegistry {
  host: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for 127.0.0.1 in `dir` (ca.crt, server.crt, server.key). */
export function makeCerts(dir: string): void {
  const ssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=berth test CA']);
  ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n" > ext.cnf'], { cwd: dir });
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf']);
}

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  rootcertbundle: string;
}

export async function startRegistry(dir: string, opts: { tls?: string; htpasswd?: string; token?: TokenAuth } = {}): Promise<TestRegistry> {
  await mkdir(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(opts.tls ? ['  tls:', `    certificate: ${join(opts.tls, 'server.crt')}`, `    key: ${join(opts.tls, 'server.key')}`] : []),
    ...(opts.htpasswd ? ['auth:', '  htpasswd:', '    realm: basic-realm', `    path: ${opts.htpasswd}`] : []),
    ...(opts.token ? ['auth:', '  token:', ...Object.entries(opts.token).map(([k, v]) => `    ${k}: ${v}`)] : []),
  ];
  const config = join(dir, 'config.yml');
  await writeFile(config, lines.join('\n') + '\n');
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (const end = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 50))) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > end) throw new Error(`docker-registry did not listen: ${stderr}`);
  }
  return {
    host: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

/** A server that accepts connections and never answers (a hung registry). */
export async function startHangingServer(): Promise<TestRegistry> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A token server for distribution's `auth: token`: answers `GET /token?service=&scope=` with an
 * RS256 JWT (x5c = the self-signed signing cert, which is the registry's rootcertbundle) granting
 * the requested scopes, but only to `user:password` over Basic auth. Counts the tokens it issued.
 */
export async function startTokenServer(
  dir: string,
  user: string,
  password: string,
  issuer: string,
): Promise<TestRegistry & { realm: string; cert: string; issued(): number }> {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token.key', '-out', 'token.crt', '-days', '2', '-subj', '/CN=berth token signer'],
    { cwd: dir, stdio: 'pipe' },
  );
  const key = createPrivateKey(await readFile(join(dir, 'token.key')));
  const der = new X509Certificate(await readFile(join(dir, 'token.crt'))).raw.toString('base64');
  let issued = 0;
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (url.pathname !== '/token' || req.headers.authorization !== expected) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const access = url.searchParams.getAll('scope').map((s) => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: (actions ?? '').split(',').filter(Boolean) };
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: user,
      aud: url.searchParams.get('service'),
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: String(Math.random()),
      access,
    };
    const signingInput = `${b64({ alg: 'RS256', typ: 'JWT', x5c: [der] })}.${b64(claims)}`;
    const sig = createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url');
    issued++;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: `${signingInput}.${sig}` }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    realm: `http://${host}/token`,
    cert: join(dir, 'token.crt'),
    issued: () => issued,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A minimal read-only registry serving fixed blobs and manifests (for corrupt or multi-platform content). */
export async function startFakeRegistry(routes: Map<string, { body: Buffer; type: string }>): Promise<TestRegistry & { hits(path: string): number }> {
  const hits = new Map<string, number>();
  const server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const r = routes.get(path);
    if (path === '/v2/') return void res.writeHead(200).end('{}');
    if (!r) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    res.writeHead(200, { 'Content-Type': r.type, 'Content-Length': String(r.body.length) });
    res.end(req.method === 'HEAD' ? undefined : r.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    hits: (p) => hits.get(p) ?? 0,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
