import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Duplex } from 'node:stream';
import { completeService, type ServiceLog } from '../lib/grpc/services.js';
import { ContainerStatsReader } from './container-stats.js';
import { PodStatsReader } from './pod-stats.js';
import type { CriDeps } from './deps.js';
import { imageFsInfo } from './image-fs-info.js';
import { pullCriImage } from './image-pull.js';
import { criImageStatus, listCriImages, removeCriImage } from './images.js';
import { execSync, type ExecSyncRequest } from './exec-sync.js';
import { criProtos } from './protos.js';
import { runtimeConfig, status, updateRuntimeConfig, version } from './runtime-info.js';
import { runPodSandbox } from './sandbox-run.js';
import { removePodSandbox, stopPodSandbox } from './sandbox-stop.js';
import { listPodSandbox, podSandboxStatus } from './sandbox-status.js';
import { createCriContainer } from './container-create.js';
import { reopenCriContainerLog, removeCriContainer, startCriContainer, stopCriContainer, updateCriContainerResources } from './container-lifecycle.js';
import { criContainerStatus, listCriContainers } from './container-status.js';
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
  const podStats = new PodStatsReader(deps.pods, stats);
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  const runtime = {
    Version: unary(async () => version(deps)),
    Status: unary(async () => status(deps)),
    RuntimeConfig: unary(async () => runtimeConfig()),
    UpdateRuntimeConfig: unary((req: Parameters<typeof updateRuntimeConfig>[1]) => updateRuntimeConfig(deps, req)),
    RunPodSandbox: unary((req: Parameters<typeof runPodSandbox>[1]) => runPodSandbox(deps.pods, req)),
    StopPodSandbox: unary((req: Parameters<typeof stopPodSandbox>[1]) => stopPodSandbox(deps.pods, req)),
    RemovePodSandbox: unary((req: Parameters<typeof removePodSandbox>[1]) => removePodSandbox(deps.pods, req)),
    PodSandboxStatus: unary(async (req: Parameters<typeof podSandboxStatus>[1]) => podSandboxStatus(deps.pods, req)),
    ListPodSandbox: unary(async (req: Parameters<typeof listPodSandbox>[1]) => listPodSandbox(deps.pods, req)),
    CreateContainer: unary((req: Parameters<typeof createCriContainer>[1]) => createCriContainer(deps.pods, req)),
    StartContainer: unary((req: Parameters<typeof startCriContainer>[1]) => startCriContainer(deps.pods, req)),
    StopContainer: unary((req: Parameters<typeof stopCriContainer>[1]) => stopCriContainer(deps.pods, req)),
    RemoveContainer: unary((req: Parameters<typeof removeCriContainer>[1]) => removeCriContainer(deps.pods, req)),
    ListContainers: unary(async (req: Parameters<typeof listCriContainers>[1]) => listCriContainers(deps.pods, req)),
    ContainerStatus: unary(async (req: Parameters<typeof criContainerStatus>[1]) => criContainerStatus(deps.pods, req)),
    UpdateContainerResources: unary((req: Parameters<typeof updateCriContainerResources>[1]) => updateCriContainerResources(deps.pods, req)),
    ReopenContainerLog: unary((req: Parameters<typeof reopenCriContainerLog>[1]) => reopenCriContainerLog(deps.pods, req)),
    ExecSync: unary((req: ExecSyncRequest) => execSync(deps, req)),
    Exec: unary((req: ExecRequest) => criExec(deps, streaming, req)),
    Attach: unary((req: AttachRequest) => criAttach(deps, streaming, req)),
    PortForward: unary((req: PortForwardRequest) => criPortForward(deps, streaming, req)),
    ContainerStats: unary((req: Parameters<ContainerStatsReader['one']>[0]) => stats.one(req)),
    ListContainerStats: unary((req: Parameters<ContainerStatsReader['list']>[0]) => stats.list(req)),
    PodSandboxStats: unary((req: Parameters<PodStatsReader['one']>[0]) => podStats.one(req)),
    ListPodSandboxStats: unary((req: Parameters<PodStatsReader['list']>[0]) => podStats.list(req)),
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
