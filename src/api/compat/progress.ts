import { BerthError, messageOf } from '../../lib/errdefs.js';
import { humanSize } from '../../lib/go/units.js';
import type { JsonMessage } from '../types/images.js';

/** The last line of a progress stream (build, load, pull, push) that failed after output began. */
export function errorMessage(err: unknown): JsonMessage {
  const message = messageOf(err);
  // Docker's jsonmessage.JSONError: `code` only when the failure has one (a RUN step's exit status).
  const code = err instanceof BerthError ? err.exitCode : undefined;
  return { errorDetail: code ? { code, message } : { message }, error: message };
}

/** A progress line as the docker CLI renders it: `[=====>     ]  1.2MB/5MB`. */
export function progressMessage(status: string, id: string, current: number, total: number): JsonMessage {
  const width = 50;
  const filled = total > 0 ? Math.min(width, Math.floor((current / total) * width)) : 0;
  const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (filled === width ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
  return { status, id, progressDetail: { current, total }, progress: `${bar} ${humanSize(current)}/${humanSize(total)}` };
}
