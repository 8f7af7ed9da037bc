import { invalidArgument } from '../../lib/errdefs.js';
import type { StreamingDeps } from './deps.js';
import { runningContainer, type AttachRequest, type ExecRequest } from './commands.js';
import type { PortForwardRequest, StreamingServer } from './server.js';

/** cri-api's checks of an Exec or Attach request (the kubelet streaming server's validateExecRequest). */
function checkStreams(req: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): void {
  if (req.tty && req.stderr) throw invalidArgument('tty and stderr cannot both be true');
  if (!req.stdin && !req.stdout && !req.stderr) throw invalidArgument('one of stdin, stdout, or stderr must be set');
}

/** `Exec`: a URL of the streaming server that runs `cmd` in the (running) container. */
export async function criExec(deps: StreamingDeps, streaming: StreamingServer, req: ExecRequest): Promise<{ url: string }> {
  checkStreams(req);
  if (req.cmd.length === 0) throw invalidArgument('No exec command specified');
  runningContainer(deps.containers, req.container_id);
  return { url: await streaming.url({ kind: 'exec', req }) };
}

/** `Attach`: a URL of the streaming server attached to the (running) container's stdio. */
export async function criAttach(deps: StreamingDeps, streaming: StreamingServer, req: AttachRequest): Promise<{ url: string }> {
  checkStreams(req);
  runningContainer(deps.containers, req.container_id);
  return { url: await streaming.url({ kind: 'attach', req }) };
}

/** `PortForward`: a URL of the streaming server forwarding into the pod sandbox's network namespace. */
export async function criPortForward(deps: StreamingDeps, streaming: StreamingServer, req: PortForwardRequest): Promise<{ url: string }> {
  await deps.sandboxNetns(req.pod_sandbox_id);
  return { url: await streaming.url({ kind: 'portforward', req }) };
}
