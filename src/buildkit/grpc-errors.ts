import { status as GrpcStatus, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { kindOf, messageOf, type ErrorKind } from '../lib/errdefs.js';

/**
 * The gRPC code of each error kind. BuildKit answers a failed build (a bad Dockerfile, a failing
 * step, a missing image) with Unknown, which clients print as the bare message (`failed to solve:
 * …`); other codes are printed with their name (`Unimplemented: …`), so only what is not the
 * build's own failure keeps one.
 */
const CODES: Record<ErrorKind, GrpcStatus> = {
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
export function unary<Req, Res>(fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>): void => {
    fn(call.request, call).then(
      (r) => cb(null, r),
      (err: unknown) => cb(grpcError(err)),
    );
  };
}
