import type { ServiceDefinition } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadServices, sourceDir } from '../lib/grpc/protos.js';

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

const SERVICES = [
  'moby.buildkit.v1.Control',
  'moby.buildkit.v1.frontend.LLBBridge',
  'moby.filesync.v1.FileSync',
  'moby.filesync.v1.FileSend',
  'moby.filesync.v1.FileSendFile',
  'moby.buildkit.secrets.v1.Secrets',
  'moby.filesync.v1.Auth',
  'moby.sshforward.v1.SSH',
];

export function buildkitProtos(): BuildkitProtos {
  if (loaded) return loaded;
  const services = loadServices(
    sourceDir('buildkit/proto', 'control.proto'),
    ['control.proto', 'gateway.proto', 'filesync.proto', 'secrets.proto', 'auth.proto', 'sshforward.proto'],
    SERVICES,
  );
  const methods = new Map<string, MethodDefinition<object, object>>();
  for (const def of Object.values(services)) for (const m of Object.values(def)) methods.set(m.path, m as MethodDefinition<object, object>);
  loaded = {
    Control: services['moby.buildkit.v1.Control']!,
    LLBBridge: services['moby.buildkit.v1.frontend.LLBBridge']!,
    FileSync: services['moby.filesync.v1.FileSync']!,
    method(path) {
      const m = methods.get(path);
      if (m === undefined) throw new Error(`no gRPC method ${path} in berth's BuildKit protos`);
      return m;
    },
  };
  return loaded;
}
