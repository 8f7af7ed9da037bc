import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadServices, sourceDir } from '../lib/grpc/protos.js';

/** The CRI v1 services from our own `proto/api.proto`, loaded once when the server is made. */
export interface CriProtos {
  RuntimeService: ServiceDefinition;
  ImageService: ServiceDefinition;
}

let loaded: CriProtos | undefined;

export function criProtos(): CriProtos {
  if (loaded) return loaded;
  const s = loadServices(sourceDir('cri/proto', 'api.proto'), ['api.proto'], ['runtime.v1.RuntimeService', 'runtime.v1.ImageService']);
  loaded = { RuntimeService: s['runtime.v1.RuntimeService']!, ImageService: s['runtime.v1.ImageService']! };
  return loaded;
}
