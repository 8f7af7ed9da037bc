/**
 * The closed set of error kinds. Every error that crosses a layer boundary is a BerthError
 * with one of these kinds; `api/errors.ts` maps a kind to an HTTP status and the CLI maps
 * a status back to a kind, so the mapping lives in exactly one place each way.
 */
export type ErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'InvalidArgument'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotModified'
  | 'TooLarge'
  | 'NotImplemented'
  | 'Unavailable'
  | 'Internal';

export class BerthError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'BerthError';
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

/** The kind of any thrown value: BerthErrors keep theirs, everything else is Internal. */
export function kindOf(err: unknown): ErrorKind {
  return err instanceof BerthError ? err.kind : 'Internal';
}

/** True for a Node system error with the given code (catch only what you expect). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
