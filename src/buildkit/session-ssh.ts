import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument, notFound } from '../lib/errdefs.js';
import { buildkitProtos } from './protos.js';
import { GrpcCallError, openStream, sessionUnary, type SessionStream } from './session-call.js';
import type { Session } from './sessions.js';

const CHECK_AGENT = '/moby.sshforward.v1.SSH/CheckAgent';
const FORWARD_AGENT = '/moby.sshforward.v1.SSH/ForwardAgent';
/** The metadata naming which of the client's agents a ForwardAgent call is for (BuildKit's sshforward.KeySSHID). */
const KEY_SSH_ID = 'buildkit.ssh.id';
const GRPC_UNIMPLEMENTED = 12;

/** A unix socket on the host that answers as the client's SSH agent `id`, for a RUN step to mount. */
export interface ForwardedAgent {
  path: string;
  close(): Promise<void>;
}

interface Bytes {
  data: Buffer;
}

/**
 * The client's SSH agent `id` (`docker build --ssh default[=…]`), forwarded: CheckAgent first
 * (NotFound when the client forwards no such agent, as BuildKit asks before a step runs), then a
 * unix socket in a private directory whose every connection is one ForwardAgent stream on the
 * session, bytes piped both ways. The agent's keys never leave the client.
 */
export async function forwardSessionAgent(session: Session, id: string): Promise<ForwardedAgent> {
  const missing = notFound(`no SSH key ${JSON.stringify(id)} forwarded from the client`);
  if (!session.methods.has(CHECK_AGENT)) throw missing;
  try {
    await sessionUnary<{ ID: string }, object>(session.h2, buildkitProtos().method(CHECK_AGENT) as never, { ID: id });
  } catch (err) {
    if (err instanceof GrpcCallError) throw err.code === GRPC_UNIMPLEMENTED ? missing : notFound(err.message); // buildx: "unset ssh forward key …"
    throw err;
  }
  const dir = await mkdtemp(join(tmpdir(), 'berth-ssh-'));
  const path = join(dir, 'agent.sock');
  const conns = new Set<Socket>();
  const server = createServer((conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    pipe(session, id, conn);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw invalidArgument(`ssh forwarding: ${(err as Error).message}`);
  }
  server.on('error', () => undefined); // a failed accept ends that connection only
  return {
    path,
    async close() {
      for (const c of conns) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One agent connection as one ForwardAgent stream: what the step writes goes to the client's agent, its answers come back. */
function pipe(session: Session, id: string, conn: Socket): void {
  let call: SessionStream<Bytes, Bytes>;
  try {
    call = openStream<Bytes, Bytes>(session.h2, buildkitProtos().method(FORWARD_AGENT) as never, { [KEY_SSH_ID]: id });
  } catch {
    conn.destroy(); // the session is gone (a closed HTTP/2 session refuses new streams)
    return;
  }
  conn.on('data', (data: Buffer) => call.send({ data }));
  conn.on('end', () => call.end());
  conn.on('error', () => call.cancel());
  conn.on('close', () => call.cancel());
  void (async () => {
    try {
      for (let m = await call.recv(); m !== undefined; m = await call.recv()) if (!conn.destroyed) conn.write(m.data);
      conn.end();
    } catch {
      conn.destroy(); // the client's agent went away: so does this connection
    }
  })();
}
