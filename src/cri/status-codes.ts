import { status as GrpcStatus } from '@grpc/grpc-js';
import { unaryWith, type StatusTable } from '../lib/grpc/services.js';

/**
 * The gRPC code of each error kind, as containerd's CRI answers (errdefs.ToGRPC): the kubelet
 * tells NotFound apart (a removed container or image) and prints the others with the message.
 */
const CODES: StatusTable = {
  NotFound: GrpcStatus.NOT_FOUND,
  Conflict: GrpcStatus.FAILED_PRECONDITION,
  InvalidArgument: GrpcStatus.INVALID_ARGUMENT,
  Unauthorized: GrpcStatus.UNAUTHENTICATED,
  Forbidden: GrpcStatus.PERMISSION_DENIED,
  NotModified: GrpcStatus.FAILED_PRECONDITION,
  TooLarge: GrpcStatus.RESOURCE_EXHAUSTED,
  NotImplemented: GrpcStatus.UNIMPLEMENTED,
  Unavailable: GrpcStatus.UNAVAILABLE,
  Internal: GrpcStatus.UNKNOWN,
};

/** A CRI unary handler from a promise. */
export const unary = unaryWith(CODES);
