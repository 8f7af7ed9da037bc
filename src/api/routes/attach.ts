import type { Duplex, Writable } from 'node:stream';
import type { ContainerDeps } from '../../services/containers/deps.js';
import { connectStdin } from '../../services/containers/stdin.js';
import { publishContainerEvent } from '../../services/containers/events.js';
import { queryBool, type RequestContext } from '../http.js';
import { openOutput, pipeOutput, streamContentType } from '../container-output.js';
import { pumpInput } from '../stdio-pump.js';

/**
 * `POST /containers/{id}/attach`: output from the moment of attaching (plus the log so far with
 * `logs=1`) until the container exits, read from its log. With `stdin=1` on an upgraded
 * connection, the client's input goes to the container's stdin through conmon's attach socket
 * (connected once the container runs); the detach keys end the session, and the client's EOF
 * closes the container's stdin when the container has StdinOnce (conmon does that).
 */
export async function handleAttach(deps: ContainerDeps, ctx: RequestContext): Promise<void> {
  const rec = deps.store.get(ctx.params.id!);
  const q = ctx.query;
  const contentType = streamContentType(ctx.apiVersion, rec.Config.Tty === true);
  // A stopped container's stream stays open for its next run (`start -a` attaches before starting).
  const done = deps.waiters.nextExit(rec.Id).then(() => undefined);
  const detached = new AbortController();
  const until = Promise.race([done, new Promise<void>((r) => detached.signal.addEventListener('abort', () => r()))]);
  const streams = { stdout: queryBool(q, 'stdout'), stderr: queryBool(q, 'stderr') };
  // Subscribed before the client hears back: a client that starts the container as soon as it
  // is attached (docker run, dockerode) must get its first output.
  const live = queryBool(q, 'stream') ? await openOutput(deps.logs, rec, { ...streams, tail: 0, follow: true, done: until }) : undefined;
  let out: Writable;
  if (ctx.hijack) {
    out = ctx.hijack(contentType);
  } else {
    ctx.res!.writeHead(200, { 'Content-Type': contentType });
    ctx.res!.flushHeaders();
    out = ctx.res!;
  }
  publishContainerEvent(deps.events, rec, 'attach');
  if (ctx.hijack && queryBool(q, 'stdin') && rec.Config.OpenStdin === true) {
    void attachStdin(deps, rec.Id, out as Duplex, q.get('detachKeys') ?? undefined, done).then((how) => {
      if (how !== 'detached') return;
      detached.abort();
      publishContainerEvent(deps.events, rec, 'detach');
    });
  }
  // A driver that keeps nothing (`none`) has no past to replay; the live stream works with every driver.
  try {
    if (queryBool(q, 'logs') && deps.logs.readable(rec)) await pipeOutput(deps.logs, rec, out, { ...streams });
  } finally {
    // Always drained, so its subscription ends (after a detach `until` has resolved: it ends at once).
    if (live) await live(out);
  }
  out.end();
}

async function attachStdin(deps: ContainerDeps, id: string, conn: Duplex, detachKeys: string | undefined, exited: Promise<void>): Promise<string> {
  const pending: Buffer[] = [];
  let eof = false;
  let session: { write(d: Buffer): void; closeStdin(): void } | undefined;
  // Input typed before the container runs is kept until the socket is connected.
  const how = pumpInput(
    conn,
    {
      write: (d) => (session ? session.write(d) : void pending.push(d)),
      closeStdin: () => (session ? session.closeStdin() : void (eof = true)),
    },
    detachKeys,
  );
  // The client's EOF is kept for the container; only a detach or a dropped connection cancels.
  const cancelled = Promise.race([exited, how.then((h) => (h === 'eof' ? new Promise<never>(() => undefined) : h))]);
  const io = await connectStdin(deps, id, cancelled);
  if (io === undefined) return how;
  session = io;
  for (const d of pending.splice(0)) io.write(d);
  if (eof) io.closeStdin();
  const result = await Promise.race([how, exited.then(() => 'exited')]);
  if (result !== 'eof') io.close();
  else void exited.then(() => io.close());
  return result;
}
