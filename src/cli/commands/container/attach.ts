import type { Command } from 'commander';
import type { EngineClient } from '../../../client/engine.js';
import { engine } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';
import { runSession } from '../../io/stdio-session.js';

/**
 * Streams a container's stdio until it exits or the user detaches; exits with the container's
 * code, or 0 after a detach. `start` (when given) starts the container once attached.
 */
export async function attachSession(
  api: EngineClient,
  id: string,
  opts: { stdin: boolean; tty: boolean; detachKeys?: string; start?: boolean },
): Promise<void> {
  const stream = await api.containerAttach(id, { stream: true, stdin: opts.stdin, stdout: true, stderr: true, detachKeys: opts.detachKeys });
  const { result } = await api.containerWait(id, 'next-exit');
  const started = opts.start ? api.containerStart(id) : Promise.resolve();
  const copying = runSession(stream, { tty: opts.tty, stdin: opts.stdin, resize: (h, w) => api.containerResize(id, h, w), started });
  try {
    await started;
  } catch (err) {
    stream.destroy();
    await copying.catch(() => undefined);
    throw err;
  }
  await copying;
  // The stream also ends when the user detaches; an exit is recorded before its stream ends.
  if ((await api.containerInspect(id)).State.Running) return;
  const { StatusCode } = await result;
  if (StatusCode !== 0) throw new StatusError(StatusCode);
}

export function attachCommand(parent: Command): void {
  parent
    .command('attach')
    .description('Attach local standard input, output, and error streams to a running container')
    .argument('<container>')
    .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--sig-proxy', 'Proxy all received signals to the process (default true)')
    .action(async (container: string, flags: { detachKeys?: string; stdin?: boolean }) => {
      const api = engine();
      const info = await api.containerInspect(container);
      if (!info.State.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first');
      if (info.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first');
      const stdin = flags.stdin !== false && info.Config.OpenStdin === true;
      await attachSession(api, info.Id, { stdin, tty: info.Config.Tty === true, detachKeys: flags.detachKeys });
    });
}
