import {
  status as GrpcStatus,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { kindOf, messageOf, type ErrorKind } from '../errdefs.js';

export interface ServiceLog {
  /** Names the server in log lines (`cri`). */
  prefix: string;
  log(msg: string): void;
  /** With `-D`, every call is logged by its path. */
  debug(): boolean;
}

/**
 * `impl` completed to the whole of `def`: every method it lacks answers UNIMPLEMENTED (saying
 * `what` does not implement it) and is logged by name, so a client calling something berth does
 * not serve shows in berthd's log.
 */
export function completeService(def: ServiceDefinition, impl: UntypedServiceImplementation, what: string, l: ServiceLog): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, m] of Object.entries(def)) {
    const h = impl[name] as ((...a: unknown[]) => void) | undefined;
    if (h !== undefined) {
      out[name] = ((...a: unknown[]) => {
        if (l.debug()) l.log(`${l.prefix}: ${m.path}`);
        h(...a);
      }) as never;
      continue;
    }
    const details = `${what} does not implement ${m.path}`;
    out[name] = ((call: { destroy?: (e: Error) => void }, cb?: (e: object) => void) => {
      l.log(`${l.prefix}: unimplemented gRPC call ${m.path}`);
      const err = { code: GrpcStatus.UNIMPLEMENTED, details, message: details };
      if (typeof cb === 'function') cb(err);
      else call.destroy?.(Object.assign(new Error(details), err));
    }) as never;
  }
  return out;
}

/** An error answered with its own gRPC code, one no error kind names (DEADLINE_EXCEEDED for a call's own timeout). */
export class GrpcStatusError extends Error {
  constructor(
    readonly grpcCode: GrpcStatus,
    message: string,
  ) {
    super(message);
  }
}

/** The gRPC code of each error kind: one table per server. */
export type StatusTable = Record<ErrorKind, GrpcStatus>;

/** A gRPC error's status from a thrown value: by `codes` (or its own, a GrpcStatusError's), the message, and trailers when `trailers` has some for it. */
export function statusWith(codes: StatusTable, trailers?: (err: unknown, code: GrpcStatus, message: string) => Metadata | undefined) {
  return (err: unknown): Partial<ServiceError> => {
    const code = err instanceof GrpcStatusError ? err.grpcCode : codes[kindOf(err)];
    const message = messageOf(err);
    const metadata = trailers?.(err, code, message);
    return { code, details: message, message, ...(metadata ? { metadata } : {}) };
  };
}

/** A unary handler from a promise: its value is the answer, a rejection the call's gRPC error (`status`, or by `codes`). */
export function unaryWith(codes: StatusTable, status = statusWith(codes)) {
  return <Req, Res>(fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>): void => {
      fn(call.request, call).then(
        (r) => cb(null, r),
        (err: unknown) => cb(status(err)),
      );
    };
}
