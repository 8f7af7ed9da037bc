import { credentials, makeGenericClientConstructor, status as GrpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { criProtos } from '../../src/cri/protos.js';

export type Json = Record<string, unknown>;
export type Call = (req: Json) => Promise<Json>;

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

/** The gRPC status a call ends with (OK when it succeeds). */
export const code = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => GrpcStatus.OK,
    (err: ServiceError) => err.code,
  );

/** Removes every pod sandbox left (their containers, pause processes, pins and cgroups go with them) and closes the client: a test's `after`. */
export async function removePodsAndClose(cri: ReturnType<typeof criClient> | undefined): Promise<void> {
  if (cri === undefined) return;
  const left = (await cri.runtime.ListPodSandbox!({}).catch(() => ({ items: [] }))) as { items: Json[] };
  for (const s of left.items) await cri.runtime.RemovePodSandbox!({ pod_sandbox_id: s.id }).catch(() => undefined);
  cri.close();
}

/** The kubelet's pod CIDR for a test daemon: a /24 of its own pool that its networks do not use (the last one). */
export function testPodCidr(pool: string, offset = 15): string {
  const p = pool.split('.');
  return `${p[0]}.${p[1]}.${Number(p[2]) + offset}.0/24`;
}
