import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { kindOf, messageOf } from '../lib/errdefs.js';
import { unaryWith, type StatusTable } from '../lib/grpc/services.js';

/**
 * The gRPC code of each error kind. BuildKit answers a failed build (a bad Dockerfile, a failing
 * step, a missing image) with Unknown, which clients print as the bare message (`failed to solve:
 * …`); other codes are printed with their name (`Unimplemented: …`), so only what is not the
 * build's own failure keeps one.
 */
const CODES: StatusTable = {
  NotFound: GrpcStatus.UNKNOWN,
  Conflict: GrpcStatus.UNKNOWN,
  InvalidArgument: GrpcStatus.UNKNOWN,
  Unauthorized: GrpcStatus.UNAUTHENTICATED,
  Forbidden: GrpcStatus.PERMISSION_DENIED,
  NotModified: GrpcStatus.UNKNOWN,
  TooLarge: GrpcStatus.RESOURCE_EXHAUSTED,
  NotImplemented: GrpcStatus.UNIMPLEMENTED,
  Unavailable: GrpcStatus.UNAVAILABLE,
  Internal: GrpcStatus.UNKNOWN,
};

/** An error as a gRPC status for grpc-js to send. */
export function grpcError(err: unknown): Partial<ServiceError> {
  return { code: CODES[kindOf(err)], details: messageOf(err), message: messageOf(err) };
}

/** A unary handler from a promise: its value is the answer, a rejection the call's gRPC error. */
export const unary = unaryWith(CODES);
