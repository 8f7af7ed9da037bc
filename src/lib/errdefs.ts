/**
 * The closed set of error kinds. Every error that crosses a layer boundary is a BerthError
 * with one of these kinds; `api/errors.ts` maps a kind to an HTTP status and the CLI maps
 * a status back to a kind, so the mapping lives in exactly one place each way.
 */
export type ErrorKind =
  'NotFound' | 'Conflict' | 'InvalidArgument' | 'Unauthorized' | 'Forbidden' | 'NotModified' | 'TooLarge' | 'NotImplemented' | 'Unavailable' | 'Internal';

export class BerthError extends Error {
  readonly kind: ErrorKind;
  /** A process's exit status the failure reports (a build step's: the stream's `errorDetail.code`). */
  readonly exitCode?: number;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options);
    this.kind = kind;
    this.name = 'BerthError';
    if (options?.exitCode !== undefined) this.exitCode = options.exitCode;
  }
}

export const notFound = (msg: string): BerthError => new BerthError('NotFound', msg);
export const conflict = (msg: string): BerthError => new BerthError('Conflict', msg);
export const invalidArgument = (msg: string): BerthError => new BerthError('InvalidArgument', msg);
export const tooLarge = (msg: string): BerthError => new BerthError('TooLarge', msg);
export const notImplemented = (msg: string): BerthError => new BerthError('NotImplemented', msg);
export const unavailable = (msg: string): BerthError => new BerthError('Unavailable', msg);
export const internal = (msg: string, cause?: unknown): BerthError => new BerthError('Internal', msg, { cause });

export function isKind(err: unknown, kind: ErrorKind): err is BerthError {
  return err instanceof BerthError && err.kind === kind;
}

/**
 * The kind of any thrown value: BerthErrors keep theirs; a full disk (ENOSPC, EDQUOT — raw or as
 * the cause of an Internal error) is Unavailable: nothing is wrong with the request or the daemon,
 * and it succeeds once space is freed; everything else is Internal.
 */
export function kindOf(err: unknown): ErrorKind {
  if (err instanceof BerthError && err.kind !== 'Internal') return err.kind;
  return isDiskFull(err) ? 'Unavailable' : 'Internal';
}

/** Go's (strerror's) words for the errno codes of a full disk. */
const DISK_FULL: Record<string, string> = { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded' };

/**
 * True when `err` or one of its causes is a full-disk system error, or says so in its message (a
 * child process's — runc's, mount's — failure reaches us as text).
 */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in DISK_FULL) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /no space left on device|disk quota exceeded/.test(message)) return true;
  }
  return false;
}

/**
 * The message a client sees. A full disk is said in Docker's (Go's) words, wherever Node's appear in
 * the message: `ENOSPC: no space left on device, mkdir '/x'` → `mkdir /x: no space left on device`.
 */
export function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(
    /\b(ENOSPC|EDQUOT): [^,]*, (\w+)(?: '([^']*)')?(?: -> '[^']*')?/g,
    (_, code: string, syscall: string, path?: string) => `${syscall}${path ? ` ${path}` : ''}: ${DISK_FULL[code]}`,
  );
}

/** True for a Node system error with the given code (catch only what you expect). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
