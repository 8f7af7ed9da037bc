import type { Metadata, UntypedServiceImplementation } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { invalidArgument, notFound, notImplemented } from '../lib/errdefs.js';
import type { BuildkitState, GatewayBuild } from './deps.js';
import { dockerfileFrontend } from './dockerfile-frontend.js';
import { unary, type StatusDetail } from './grpc-errors.js';
import { workerRecord } from './worker.js';

/** The metadata key a gateway client names its build with (BuildKit's util/buildinfo buildid). */
const BUILD_ID = 'buildkit-controlapi-buildid';

/** The gateway capabilities berth serves (ids from BuildKit's frontend/gateway/pb/caps.go). */
const CAPS = [
  'solve.base',
  'solve.inlinereturn',
  'resolveimage',
  'resolveimage.resolvemode',
  'readfile',
  'return',
  'returnmap',
  'importcaches',
  'proto.refarray',
  'frontend.inputs',
  'gateway.solve.metadata',
  'gateway.solve.evaluate',
];

interface GatewaySolveRequest {
  Frontend: string;
  FrontendOpt: Record<string, string>;
  Definition: { def: Buffer[] } | null;
  allowResultReturn: boolean;
  allowResultArrayRef: boolean;
}

interface ReturnRequest {
  result: { result?: string; refDeprecated?: string; ref?: { id: string }; refs?: { refs: Record<string, { id: string }> } } | null;
  error: { code: number; message: string; details: StatusDetail[] } | null;
}

/** How long a gateway call waits for its build to be registered by Control.Solve (BuildKit's forwarder waits 3 s; we allow for a loaded host). */
const JOB_WAIT_MS = 10_000;

/**
 * The build a gateway call belongs to. buildx sends Control.Solve and the gateway calls on
 * separate streams, so a gateway call can arrive before Control.Solve has registered its build:
 * as BuildKit's gateway forwarder, wait for it, then answer `no such job`.
 */
async function buildOf(st: BuildkitState, md: Metadata): Promise<GatewayBuild> {
  const id = String(md.get(BUILD_ID)[0] ?? '');
  if (id === '') throw invalidArgument(`no ${BUILD_ID} in the request`);
  for (const deadline = Date.now() + JOB_WAIT_MS; ;) {
    const b = st.builds.get(id);
    if (b !== undefined) return b;
    if (Date.now() >= deadline) throw notFound(`no such job ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 20).unref());
  }
}

/**
 * `moby.buildkit.v1.frontend.LLBBridge`, the gateway buildx drives a build through: Ping (caps and
 * the worker), Solve with the `dockerfile.v0` frontend (run at once: the result is an image, its
 * ref an opaque ID), Return (the build function's result or error, which ends Control.Solve).
 */
export function gatewayService(st: BuildkitState): UntypedServiceImplementation {
  return {
    Ping: unary(async () => ({
      FrontendAPICaps: CAPS.map((ID) => ({ ID, Enabled: true })),
      LLBCaps: [],
      Workers: [workerRecord(st.snapshotter)],
    })),
    Solve: unary(async (req: GatewaySolveRequest, call) => {
      const build = await buildOf(st, call.metadata);
      if (req.Frontend !== 'dockerfile.v0') {
        throw notImplemented(
          req.Frontend === ''
            ? 'berth builds Dockerfiles only (the dockerfile.v0 frontend): LLB definitions are not supported'
            : `frontend "${req.Frontend}" is not supported by berth (only dockerfile.v0)`,
        );
      }
      const session = await st.sessions.get(build.sessionId);
      const image = await dockerfileFrontend(st.builder, session, build.progress, req.FrontendOpt);
      const id = randomBytes(16).toString('hex');
      build.results.set(id, image);
      const config = await st.builder.images.content.read(image).catch(() => undefined);
      const metadata: Record<string, Buffer> = config ? { 'containerimage.config': config } : {};
      return {
        ref: req.allowResultReturn ? '' : id,
        result: req.allowResultReturn ? { ...(req.allowResultArrayRef ? { ref: { id, def: null } } : { refDeprecated: id }), metadata } : null,
      };
    }),
    Return: unary(async (req: ReturnRequest, call) => {
      const build = await buildOf(st, call.metadata);
      // The client's error keeps its details (the Dockerfile source of a failed step): Control.Solve answers with them.
      if (req.error && req.error.code !== 0) build.returned({ error: req.error.message, details: req.error.details ?? [] });
      else {
        const r = req.result;
        const ref = r?.ref?.id ?? r?.refDeprecated ?? Object.values(r?.refs?.refs ?? {})[0]?.id ?? '';
        build.returned({ ref });
      }
      return {};
    }),
    Inputs: unary(async () => ({ Definitions: {} })),
    Evaluate: unary(async () => ({})),
    Warn: unary(async () => ({})),
  };
}
