import { kindOf, type ErrorKind } from '../lib/errdefs.js';

/** The one place that maps an error kind to an HTTP status (and back, for the client). */
const STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  Conflict: 409,
  InvalidArgument: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotModified: 304,
  TooLarge: 413,
  NotImplemented: 501,
  Unavailable: 503,
  Internal: 500,
};

export function statusOf(err: unknown): number {
  return STATUS[kindOf(err)];
}

export function kindOfStatus(status: number): ErrorKind {
  for (const [kind, s] of Object.entries(STATUS)) if (s === status) return kind as ErrorKind;
  return status >= 500 ? 'Internal' : 'InvalidArgument';
}
