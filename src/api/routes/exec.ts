import { streamContentType } from '../container-output.js';
import type { Duplex, Writable } from 'node:stream';
import type { ExecDeps } from '../../services/containers/exec/deps.js';
import { createExec, resizeExec, startableExec, startExec } from '../../services/containers/exec/exec.js';
import { toExecInspect } from '../compat/exec.js';
import { queryInt, readJson, type RequestContext } from '../http.js';
import type { Router } from '../router.js';
import { pumpInput, pumpOutput } from '../stdio-pump.js';
import { frame, STDOUT } from '../stream.js';
import type { ExecCreateRequest, ExecCreateResponse, ExecStartRequest } from '../types/exec.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { EXEC_CREATE, EXEC_START } from '../bodies.js';

export function execRoutes(router: Router, deps: ExecDeps): void {
  router.add('POST', '/containers/{id}/exec', async (ctx) => {
    const body = (await readJson<ExecCreateRequest>(ctx.req, EXEC_CREATE)) ?? {};
    const ex = createExec(deps, ctx.params.id!, body);
    ctx.res!.statusCode = 201;
    const created: ExecCreateResponse = { Id: ex.ID };
    return created;
  });

  router.add('POST', '/exec/{id}/start', (ctx) => startRoute(deps, ctx));

  router.add('GET', '/exec/{id}/json', async (ctx) => toExecInspect(deps.execs.get(ctx.params.id!)));

  router.add('POST', '/exec/{id}/resize', async (ctx) => {
    const h = queryInt(ctx.query, 'h');
    const w = queryInt(ctx.query, 'w');
    if (h === undefined || w === undefined) throw invalidArgument('invalid resize: h and w are required');
    await resizeExec(deps, ctx.params.id!, h, w);
    ctx.res?.writeHead(200).end(); // Docker answers 200 with no body
  });
}

/**
 * `POST /exec/{id}/start`: detached, it answers once the process runs; attached, it hijacks
 * the connection and streams until the process has ended (its exit code is recorded by then).
 * Errors after the hijack are written into the stream, as Docker does.
 */
async function startRoute(deps: ExecDeps, ctx: RequestContext): Promise<void> {
  const body = (await readJson<ExecStartRequest>(ctx.req, EXEC_START)) ?? {};
  const ex = startableExec(deps, ctx.params.id!);
  if (body.Detach === true) {
    const proc = await startExec(deps, ex.ID);
    proc.io.close();
    ctx.res?.writeHead(200).end(); // Docker answers a detached start with 200 and no body
    return;
  }
  const tty = ex.Config.Tty === true;
  const contentType = streamContentType(ctx.apiVersion, tty);
  let conn: Duplex | Writable;
  if (ctx.hijack) conn = ctx.hijack(contentType);
  else {
    ctx.res!.writeHead(200, { 'Content-Type': contentType });
    ctx.res!.flushHeaders();
    conn = ctx.res!;
  }
  try {
    const proc = await startExec(deps, ex.ID);
    const drained = pumpOutput(proc.io, conn, { tty, stdout: ex.Config.AttachStdout !== false, stderr: ex.Config.AttachStderr !== false });
    const ended = new Promise<void>((resolve) => proc.io.onEnd(resolve));
    const input = ex.Config.AttachStdin === true && ctx.hijack ? pumpInput(conn as Duplex, proc.io, ex.Config.DetachKeys) : undefined;
    const first = await Promise.race([Promise.all([ended, proc.exitCode]).then(() => 'exited' as const), input ?? new Promise<never>(() => undefined)]);
    if (first === 'detached') {
      conn.end();
      return;
    }
    await Promise.all([ended, proc.exitCode]);
    await drained();
  } catch (err) {
    const msg = Buffer.from(`${(err as Error).message}\r\n`);
    conn.write(tty ? msg : frame(STDOUT, msg));
  }
  conn.end();
}
