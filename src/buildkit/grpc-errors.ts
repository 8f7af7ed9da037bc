import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { statusWith, unaryWith, type StatusTable } from '../lib/grpc/services.js';

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

/** One detail of a gRPC status (google.protobuf.Any): BuildKit's typed errors travel this way (`errdefs.Source+json`, …). */
export interface StatusDetail {
  type_url: string;
  value: Buffer;
}

const DETAILS = new WeakMap<object, StatusDetail[]>();

/** Gives `err` details its gRPC status carries to the client. */
export function withDetails<E extends object>(err: E, details: StatusDetail[]): E {
  if (details.length > 0) DETAILS.set(err, details);
  return err;
}

function detailsOf(err: unknown): StatusDetail[] | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const d = DETAILS.get(e);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The `grpc-status-details-bin` trailer (a google.rpc.Status, as grpc-go's status package sends it) of an error with details. */
function trailers(err: unknown, code: GrpcStatus, message: string): Metadata | undefined {
  const details = detailsOf(err);
  if (details === undefined) return undefined;
  const md = new Metadata();
  md.set('grpc-status-details-bin', encodeStatus(code, message, details));
  return md;
}

/** google.rpc.Status in protobuf's wire format: code (1), message (2), details (3, each an Any: type_url 1, value 2). */
export function encodeStatus(code: number, message: string, details: StatusDetail[]): Buffer {
  const any = (d: StatusDetail): Buffer => Buffer.concat([field(1, Buffer.from(d.type_url)), field(2, d.value)]);
  return Buffer.concat([
    ...(code !== 0 ? [varint(1 << 3), varint(code)] : []),
    ...(message !== '' ? [field(2, Buffer.from(message))] : []),
    ...details.map((d) => field(3, any(d))),
  ]);
}

function field(n: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

/** An error as a gRPC status for grpc-js to send, with its details. */
export const grpcError = statusWith(CODES, trailers);

/** A unary handler from a promise: its value is the answer, a rejection the call's gRPC error. */
export const unary = unaryWith(CODES, grpcError);
