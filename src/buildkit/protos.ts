import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';

/**
 * BuildKit's gRPC services from our own .proto files (`proto/`, BuildKit's names and field
 * numbers), loaded once on the first BuildKit request: an idle berthd never pays for them.
 * Messages are plain objects with the proto's own field names; 64-bit integers are numbers,
 * enums their names, unset message fields null.
 */
export interface BuildkitProtos {
  Control: ServiceDefinition;
  LLBBridge: ServiceDefinition;
  FileSync: ServiceDefinition;
  /** Method definitions by full path (`/moby.filesync.v1.FileSync/DiffCopy`): the (de)serializers a hand-made client call needs. */
  method(path: string): MethodDefinition<object, object>;
}

let loaded: BuildkitProtos | undefined;

export function buildkitProtos(): BuildkitProtos {
  if (loaded) return loaded;
  const def = loadSync(['control.proto', 'gateway.proto', 'filesync.proto', 'secrets.proto'], {
    includeDirs: [protoDir()],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(def);
  const service = (path: string): ServiceDefinition => {
    let o: unknown = pkg;
    for (const part of path.split('.')) o = (o as GrpcObject)[part];
    return (o as { service: ServiceDefinition }).service;
  };
  const methods = new Map<string, MethodDefinition<object, object>>();
  for (const name of [
    'moby.buildkit.v1.Control',
    'moby.buildkit.v1.frontend.LLBBridge',
    'moby.filesync.v1.FileSync',
    'moby.filesync.v1.FileSend',
    'moby.filesync.v1.FileSendFile',
    'moby.buildkit.secrets.v1.Secrets',
  ]) {
    for (const m of Object.values(service(name))) methods.set(m.path, m as MethodDefinition<object, object>);
  }
  loaded = {
    Control: service('moby.buildkit.v1.Control'),
    LLBBridge: service('moby.buildkit.v1.frontend.LLBBridge'),
    FileSync: service('moby.filesync.v1.FileSync'),
    method(path) {
      const m = methods.get(path);
      if (m === undefined) throw new Error(`no gRPC method ${path} in berth's BuildKit protos`);
      return m;
    },
  };
  return loaded;
}

/** `src/buildkit/proto` of this checkout, found from this module (dist/src/buildkit/ under tsc, dist/bin/ in the bundle). */
function protoDir(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const candidate = join(d, 'src', 'buildkit', 'proto');
    if (existsSync(join(candidate, 'control.proto'))) return candidate;
    if (dirname(d) === d) throw new Error('BuildKit protocol definitions (src/buildkit/proto) not found');
  }
}
