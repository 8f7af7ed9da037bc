import { Server, ServerCredentials, status as GrpcStatus, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Duplex } from 'node:stream';
import { controlService } from './control.js';
import type { BuildkitDeps, BuildkitState } from './deps.js';
import { gatewayService } from './gateway.js';
import { ProgressRegistry } from './progress.js';
import { buildkitProtos } from './protos.js';
import { SessionRegistry, type SessionInfo } from './sessions.js';
import type { IncomingHttpHeaders } from 'node:http';

/** berthd as a BuildKit builder: what `POST /grpc` and `POST /session` hand their upgraded connections to. */
export interface BuildkitEngine {
  /** Serves BuildKit's Control and LLBBridge on an upgraded (h2c) connection; the client speaks first. */
  serve(socket: Duplex): void;
  /** The session a `POST /session` names in its `X-Docker-Expose-Session-*` headers (InvalidArgument without an ID). */
  sessionOf(headers: IncomingHttpHeaders): SessionInfo;
  /** Takes an upgraded (h2c) connection as the client's session; berthd is the gRPC client on it. */
  attachSession(socket: Duplex, info: SessionInfo): void;
  close(): void;
}

/**
 * Every method of `def` that `impl` lacks answers UNIMPLEMENTED and is logged by name, so a client
 * calling something berth does not serve shows in berthd's log; with `-D` every call is logged.
 */
function complete(def: ServiceDefinition, impl: UntypedServiceImplementation, log: (msg: string) => void, debug: () => boolean): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = { ...impl };
  for (const [name, m] of Object.entries(def)) {
    if (out[name] !== undefined) {
      const h = out[name] as (...a: unknown[]) => void;
      out[name] = ((...a: unknown[]) => {
        if (debug()) log(`buildkit: ${m.path}`);
        h(...a);
      }) as never;
      continue;
    }
    const details = `berth's builder does not implement ${m.path}`;
    out[name] = ((call: { destroy?: (e: Error) => void; on?: unknown }, cb?: (e: object) => void) => {
      log(`buildkit: unimplemented gRPC call ${m.path}`);
      const err = { code: GrpcStatus.UNIMPLEMENTED, details, message: details };
      if (typeof cb === 'function') cb(err);
      else call.destroy?.(Object.assign(new Error(details), err));
    }) as never;
  }
  return out;
}

export function openBuildkit(deps: BuildkitDeps): BuildkitEngine {
  const protos = buildkitProtos();
  const st: BuildkitState = { ...deps, sessions: new SessionRegistry(), progress: new ProgressRegistry(), builds: new Map() };
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  server.addService(protos.Control, complete(protos.Control, controlService(st), deps.log, deps.debug));
  server.addService(protos.LLBBridge, complete(protos.LLBBridge, gatewayService(st), deps.log, deps.debug));
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    serve: (socket) => injector.injectConnection(socket),
    sessionOf: (headers) => SessionRegistry.check(headers),
    attachSession: (socket, info) => st.sessions.attach(socket, info),
    close() {
      st.sessions.closeAll();
      injector.destroy();
      server.forceShutdown();
    },
  };
}
