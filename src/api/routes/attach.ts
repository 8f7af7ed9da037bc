import type { Writable } from 'node:stream';
import type { ContainerDeps } from '../../services/containers/deps.js';
import { queryBool, type RequestContext } from '../http.js';
import { pipeOutput } from '../container-output.js';

/**
 * `POST /containers/{id}/attach`: output from the moment of attaching (plus the log so far with
 * `logs=1`) until the container exits. Upgraded connections (what the docker CLI sends) get the
 * raw socket; plain requests a streamed response body.
 * TODO(interactive issue): stdin and TTY through conmon's attach socket.
 */
export async function handleAttach(deps: ContainerDeps, ctx: RequestContext): Promise<void> {
  const rec = deps.store.get(ctx.params.id!);
  const q = ctx.query;
  const contentType = rec.Config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  // A stopped container's stream stays open for its next run (`start -a` attaches before starting).
  const done = deps.waiters.nextExit(rec.Id).then(() => undefined);
  let out: Writable;
  if (ctx.hijack) {
    out = ctx.hijack(contentType);
  } else {
    ctx.res!.writeHead(200, { 'Content-Type': contentType });
    ctx.res!.flushHeaders();
    out = ctx.res!;
  }
  const streams = { stdout: queryBool(q, 'stdout'), stderr: queryBool(q, 'stderr') };
  if (queryBool(q, 'logs')) await pipeOutput(rec, out, { ...streams });
  if (queryBool(q, 'stream')) await pipeOutput(rec, out, { ...streams, tail: 0, follow: true, done });
  out.end();
}
