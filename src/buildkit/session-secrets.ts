import { notFound } from '../lib/errdefs.js';
import { buildkitProtos } from './protos.js';
import { GrpcCallError, sessionUnary } from './session-call.js';
import type { Session } from './sessions.js';

const GET_SECRET = '/moby.buildkit.secrets.v1.Secrets/GetSecret';
const GRPC_NOT_FOUND = 5;

/**
 * One secret from the client's session (`--secret id=…,src=…|env=…`): `Secrets.GetSecret`, asked
 * when a RUN step mounts it. Undefined when the client has no such secret (gRPC NotFound, or no
 * Secrets service at all: buildx exposes it only when secrets were given).
 */
export async function getSessionSecret(session: Session, id: string): Promise<Buffer | undefined> {
  if (!session.methods.has(GET_SECRET)) return undefined;
  try {
    const res = await sessionUnary<{ ID: string; annotations: Record<string, string> }, { data: Buffer }>(
      session.h2,
      buildkitProtos().method(GET_SECRET) as never,
      {
        ID: id,
        annotations: {},
      },
    );
    if (res === undefined) throw notFound(`secret ${id}: no answer from the session`);
    return Buffer.from(res.data);
  } catch (err) {
    if (err instanceof GrpcCallError && err.code === GRPC_NOT_FOUND) return undefined;
    throw err;
  }
}
