/**
 * A throwaway CA with a server cert (127.0.0.1/localhost) and a client cert, made with openssl in
 * a temp dir, laid out as docker expects in DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem for the
 * client; server-cert.pem/server-key.pem for the daemon). `rogue` is a client cert from another CA.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from './clients.js';

export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** The client's files, named as DOCKER_CERT_PATH wants them. */
  clientDir: string;
  clientCert: string;
  clientKey: string;
  rogueCert: string;
  rogueKey: string;
  remove(): Promise<void>;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const r = await runProgram('openssl', args, { ...process.env, OPENSSL_CONF: '/dev/null' });
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} in ${dir}: ${r.stderr}`);
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  await openssl(dir, ['req', '-x509', ...KEY, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`]);
  return { cert, key };
}

async function issue(dir: string, ca: { cert: string; key: string }, name: string, ext: string, cert: string, key: string): Promise<void> {
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  await writeFile(extFile, ext);
  await openssl(dir, ['req', ...KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  await openssl(dir, ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extFile]);
}

export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-tls-'));
  const clientDir = join(dir, 'client');
  await mkdir(clientDir);
  const ca = await makeCa(dir, 'ca');
  const rogueCa = await makeCa(dir, 'rogue-ca');
  const c: TestCerts = {
    dir,
    ca: join(clientDir, 'ca.pem'),
    serverCert: join(dir, 'server-cert.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientDir,
    clientCert: join(clientDir, 'cert.pem'),
    clientKey: join(clientDir, 'key.pem'),
    rogueCert: join(dir, 'rogue-cert.pem'),
    rogueKey: join(dir, 'rogue-key.pem'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await openssl(dir, ['x509', '-in', ca.cert, '-out', c.ca]);
  await issue(dir, ca, 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n', c.serverCert, c.serverKey);
  await issue(dir, ca, 'client', 'extendedKeyUsage=clientAuth\n', c.clientCert, c.clientKey);
  await issue(dir, rogueCa, 'rogue', 'extendedKeyUsage=clientAuth\n', c.rogueCert, c.rogueKey);
  return c;
}
