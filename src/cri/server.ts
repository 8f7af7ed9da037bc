import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Duplex } from 'node:stream';
import { completeService, type ServiceLog } from '../lib/grpc/services.js';
import { ContainerStatsReader } from './container-stats.js';
import type { CriDeps } from './deps.js';
import { imageFsInfo } from './image-fs-info.js';
import { pullCriImage } from './image-pull.js';
import { criImageStatus, listCriImages, removeCriImage } from './images.js';
import { execSync, type ExecSyncRequest } from './exec-sync.js';
import { criProtos } from './protos.js';
import { runtimeConfig, status, version } from './runtime-info.js';
import { criAttach, criExec, criPortForward } from './streaming/requests.js';
import { streamingServer, type PortForwardRequest, type StreamingServer } from './streaming/server.js';
import type { AttachRequest, ExecRequest } from './streaming/commands.js';
import { unary } from './status-codes.js';

/**
 * berthd's Kubernetes CRI v1 server: RuntimeService and ImageService over the one image store.
 * Every RPC not implemented here answers UNIMPLEMENTED (never a wrong result) and is logged.
 * The caller hands it connections (`criConnections`; daemon/cri.ts owns the socket).
 */
export function createCriServer(deps: CriDeps, streaming: StreamingServer): Server {
  const protos = criProtos();
  const l: ServiceLog = { prefix: 'cri', log: deps.log, debug: deps.debug };
  const what = "berth's CRI";
  const stats = new ContainerStatsReader(deps);
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  const runtime = {
    Version: unary(async () => version(deps)),
    Status: unary(async () => status()),
    RuntimeConfig: unary(async () => runtimeConfig()),
    ExecSync: unary((req: ExecSyncRequest) => execSync(deps, req)),
    Exec: unary((req: ExecRequest) => criExec(deps, streaming, req)),
    Attach: unary((req: AttachRequest) => criAttach(deps, streaming, req)),
    PortForward: unary((req: PortForwardRequest) => criPortForward(deps, streaming, req)),
    ContainerStats: unary((req: Parameters<ContainerStatsReader['one']>[0]) => stats.one(req)),
    ListContainerStats: unary((req: Parameters<ContainerStatsReader['list']>[0]) => stats.list(req)),
  };
  const images = {
    ListImages: unary(async (req: Parameters<typeof listCriImages>[1]) => listCriImages(deps, req)),
    ImageStatus: unary(async (req: Parameters<typeof criImageStatus>[1]) => criImageStatus(deps, req)),
    PullImage: unary((req: Parameters<typeof pullCriImage>[1]) => pullCriImage(deps, req)),
    RemoveImage: unary((req: Parameters<typeof removeCriImage>[1]) => removeCriImage(deps, req)),
    ImageFsInfo: unary(() => imageFsInfo(deps)),
  };
  server.addService(protos.RuntimeService, completeService(protos.RuntimeService, runtime, what, l));
  server.addService(protos.ImageService, completeService(protos.ImageService, images, what, l));
  return server;
}

/** Accepted connections served by the CRI server; `close` ends them (calls still running after `graceMs` are cancelled). */
export interface CriConnections {
  serve(socket: Duplex): void;
  close(graceMs: number): void;
}

export function criConnections(deps: CriDeps): CriConnections {
  const streaming = streamingServer(deps);
  const injector = createCriServer(deps, streaming).createConnectionInjector(ServerCredentials.createInsecure());
  return {
    serve: (socket) => injector.injectConnection(socket),
    close: (graceMs) => {
      injector.drain(graceMs);
      streaming.close();
    },
  };
}
