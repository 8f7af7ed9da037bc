import type { Command } from 'commander';
import { DaemonError } from '../../../client/errors.js';
import { pull } from '../../registry/pull.js';
import { runSession } from '../../io/stdio-session.js';
import { startErrorExitCode } from '../../../lib/oci/start-error.js';
import { familiarString, parseNormalizedNamed } from '../../../lib/reference.js';
import { engine, out } from '../../endpoint/context.js';
import { describe, StatusError } from '../../exit/errors.js';
import { addCreateFlags, buildCreateRequest, type CreateFlags } from './create-flags.js';

interface RunFlags extends CreateFlags {
  detach?: boolean;
  rm?: boolean;
  sigProxy?: boolean;
  detachKeys?: string;
  pull?: string;
}

/** docker's exit codes for a container that could not start: 127 not found, 126 not runnable, else 125. */
export function startFailureStatus(message: string): number {
  return startErrorExitCode(message) ?? 125;
}

/** Creates the container, pulling the image first when the daemon does not have it (docker's flow). */
export async function createWithPull(
  flags: CreateFlags,
  image: string,
  command: string[],
  extra: { AutoRemove?: boolean } = {},
  policy = 'missing',
): Promise<string> {
  if (policy !== 'always' && policy !== 'missing' && policy !== 'never') {
    throw new StatusError(125, `invalid pull option: '${policy}': must be one of "always", "missing" or "never"`);
  }
  const body = buildCreateRequest(flags, image, command, extra);
  const pullQuietly = (): Promise<string> => pull(image, {}, (s) => process.stderr.write(s), process.stderr.isTTY === true);
  if (policy === 'always') await pullQuietly();
  try {
    return (await engine().containerCreate(body, flags.name)).Id;
  } catch (err) {
    if (policy === 'never' || !(err instanceof DaemonError && err.status === 404 && /No such image/.test(err.message))) throw err;
  }
  const ref = parseNormalizedNamed(image);
  process.stderr.write(`Unable to find image '${familiarString(ref)}' locally\n`);
  await pullQuietly();
  return (await engine().containerCreate(body, flags.name)).Id;
}

export function runCommand(program: Command): void {
  addCreateFlags(
    program
      .command('run')
      .description('Create and run a new container from an image')
      .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
      .argument('<image>')
      .argument('[command...]')
      .passThroughOptions()
      .option('-d, --detach', 'Run container in background and print container ID')
      .option('--rm', 'Automatically remove the container and its associated anonymous volumes when it exits')
      .option('--no-sig-proxy', 'Do not proxy received signals to the process')
      .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
      .option('--pull <string>', 'Pull image before running ("always", "missing", "never")', 'missing'),
  ).action(async (image: string, command: string[], flags: RunFlags) => {
    const fail = (err: unknown, status = 125): never => {
      throw new StatusError(status, `berth: ${describe(err)}\n\nRun 'berth run --help' for more information`);
    };
    const id = await createWithPull(flags, image, command, { AutoRemove: flags.rm ?? false }, flags.pull).catch((err) => fail(err));
    const api = engine();
    if (flags.detach) {
      await api.containerStart(id).catch((err) => fail(err, startFailureStatus(String((err as Error).message))));
      out(`${id}\n`);
      return;
    }
    const tty = flags.tty === true;
    const stdin = flags.interactive === true;
    // Both must be in place before the start (no output lost, no exit missed); neither needs the other.
    const [stream, { result }] = await Promise.all([
      api.containerAttach(id, { stream: true, stdin, stdout: true, stderr: true, detachKeys: flags.detachKeys }),
      api.containerWait(id, flags.rm ? 'removed' : 'next-exit'),
    ]);
    let markStarted = (): void => undefined;
    const started = new Promise<void>((r) => (markStarted = r));
    const copying = runSession(stream, { tty, stdin, resize: (h, w) => api.containerResize(id, h, w), started });
    try {
      await api.containerStart(id);
      markStarted();
    } catch (err) {
      stream.destroy();
      await copying.catch(() => undefined);
      if (flags.rm) await result.catch(() => undefined);
      fail(err, startFailureStatus(String((err as Error).message)));
    }
    const stopProxy = flags.sigProxy === false || tty ? () => undefined : proxySignals(id);
    try {
      await copying;
      // The stream also ends when the user detaches; an exit is recorded before its stream ends.
      if (
        stdin &&
        (await api.containerInspect(id).then(
          (i) => i.State.Running,
          () => false,
        ))
      )
        return;
      const { StatusCode } = await result;
      if (StatusCode !== 0) throw new StatusError(StatusCode);
    } finally {
      stopProxy();
    }
  });
}

/** Forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 to the container, as `docker run --sig-proxy` does. */
function proxySignals(id: string): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handler = (sig: NodeJS.Signals): void =>
    void engine()
      .containerKill(id, sig)
      .catch(() => undefined);
  for (const s of signals) process.on(s, handler);
  return () => signals.forEach((s) => process.off(s, handler));
}
