import type { BuildkitDeps } from '../../buildkit/deps.js';
import type { BuildkitEngine } from '../../buildkit/engine.js';
import { invalidArgument } from '../../lib/errdefs.js';
import type { RequestContext } from '../http.js';
import type { Router } from '../router.js';

/**
 * `POST /grpc` and `POST /session`: BuildKit's API, as dockerd serves it for buildx's `docker`
 * driver. Both upgrade the connection to h2c (`101 Switching Protocols`); on `/grpc` berthd is the
 * gRPC server (Control, LLBBridge), on `/session` the client is (FileSync, Auth, …) and berthd
 * calls it. The BuildKit module (gRPC, the protos) loads on the first such request only.
 */
export function buildkitRoutes(router: Router, deps: BuildkitDeps): { close(): void } {
  let engine: Promise<BuildkitEngine> | undefined;
  const open = (): Promise<BuildkitEngine> =>
    (engine ??= import('../../buildkit/engine.js')
      .then((m) => m.openBuildkit(deps))
      .catch((err: unknown) => {
        engine = undefined; // a failed start is tried again by the next request
        throw err;
      }));
  router.add('POST', '/grpc', async (ctx) => {
    checkUpgrade(ctx);
    const bk = await open();
    bk.serve(ctx.hijack!('', 'h2c'));
  });
  router.add('POST', '/session', async (ctx) => {
    const proto = checkUpgrade(ctx);
    const bk = await open();
    const info = bk.sessionOf(ctx.req.headers);
    bk.attachSession(ctx.hijack!('', proto), info);
  });
  // Daemon shutdown: the upgraded connections are not the HTTP server's to close, so the engine closes them.
  return { close: () => void engine?.then((bk) => bk.close()).catch(() => undefined) };
}

/** dockerd's checks of a BuildKit upgrade (its wording); only h2c is spoken. */
function checkUpgrade(ctx: RequestContext): string {
  const proto = ctx.req.headers.upgrade ?? '';
  if (proto === '' || ctx.hijack === undefined) throw invalidArgument('no upgrade proto in request');
  if (proto !== 'h2c') throw invalidArgument(`protocol ${proto} not supported`);
  return proto;
}
