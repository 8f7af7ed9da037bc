import { messageOf } from '../../lib/errdefs.js';
import { internalErrorStatus } from './status.js';

/** The remotecommand protocols berth speaks over SPDY, newest first (X-Stream-Protocol-Version). */
export const REMOTECOMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
/** How long the client has to open its streams (the kubelet's StreamCreationTimeout). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A process's side of an exec or attach session. */
export interface CommandIo {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  write(data: Buffer): void;
  closeStdin(): void;
  resize(height: number, width: number): Promise<void>;
  /** Settles with the metav1.Status (JSON) to report once the process's output has been delivered. */
  done: Promise<string>;
  /** The client went away before the end. */
  abandon(): void;
}

/** The client's side of a session, whatever carries it (SPDY streams, WebSocket channels). */
export interface CommandChannels {
  /** Output to the client; a stream the client did not ask for is absent (its output is dropped). */
  stdout?: (data: Buffer) => void;
  stderr?: (data: Buffer) => void;
  onStdin(data: (d: Buffer) => void, end: () => void): void;
  onResize(cb: (height: number, width: number) => void): void;
  /** Called once if the client leaves (or has left) before `finish`. */
  onGone(cb: () => void): void;
  /** Writes the status to the error stream (as the protocol version wants it), then ends every stream and the connection. */
  finish(statusJson: string): Promise<void>;
}

/** A feed of text carrying concatenated TerminalSize objects (`{"Width":80,"Height":24}`): `cb` gets each size. */
export function terminalSizes(cb: (height: number, width: number) => void): (chunk: string) => void {
  let text = '';
  return (chunk) => {
    text += chunk;
    for (;;) {
      const end = text.indexOf('}');
      if (end < 0) return;
      const piece = text.slice(text.indexOf('{'), end + 1);
      text = text.slice(end + 1);
      try {
        const size = JSON.parse(piece) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === 'number' && typeof size.Height === 'number') cb(size.Height, size.Width);
      } catch {
        // not a TerminalSize: skipped, as the kubelet logs and goes on
      }
    }
  };
}

/**
 * Runs an exec or attach session once the client's channels are open: the process's output to
 * stdout/stderr, the client's input and terminal sizes to the process, and at the end the
 * status (a process that cannot start is an internal error). A client that leaves first
 * abandons the process (exec kills it, attach detaches).
 */
export async function runCommand(channels: CommandChannels, start: () => Promise<CommandIo>): Promise<void> {
  let io: CommandIo;
  try {
    io = await start();
  } catch (err) {
    await channels.finish(internalErrorStatus(messageOf(err)));
    return;
  }
  let ended = false;
  channels.onGone(() => ended || io.abandon());
  io.onOutput((stream, data) => channels[stream]?.(data));
  channels.onStdin(
    (d) => io.write(d),
    () => io.closeStdin(),
  );
  channels.onResize((h, w) => void io.resize(h, w).catch(() => undefined));
  const status = await io.done.finally(() => (ended = true));
  await channels.finish(status);
}
