import { credentials, makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { criProtos } from '../../src/cri/protos.js';

export type Json = Record<string, unknown>;
type Call = (req: Json) => Promise<Json>;

/** A CRI client of our own: grpc-js with the same api.proto, one promise-returning function per RPC. */
export function criClient(socket: string): { runtime: Record<string, Call>; images: Record<string, Call>; close(): void } {
  const p = criProtos();
  const clients: Client[] = [];
  const wrap = (def: typeof p.RuntimeService, name: string): Record<string, Call> => {
    const Ctor = makeGenericClientConstructor(def, name);
    const c = new Ctor(`unix://${socket}`, credentials.createInsecure()) as unknown as Record<
      string,
      (req: Json, cb: (err: ServiceError | null, res: Json) => void) => void
    >;
    clients.push(c as unknown as Client);
    return new Proxy({} as Record<string, Call>, {
      get: (_t, method: string) => (req: Json) =>
        new Promise<Json>((resolve, reject) => c[method]!.call(c, req, (err, res) => (err ? reject(err) : resolve(res)))),
    });
  };
  return {
    runtime: wrap(p.RuntimeService, 'RuntimeService'),
    images: wrap(p.ImageService, 'ImageService'),
    close: () => clients.forEach((c) => c.close()),
  };
}
