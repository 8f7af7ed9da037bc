import { randomUUID } from 'node:crypto';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createApiServer } from '../api/server.js';
import { Router } from '../api/router.js';
import { containerRoutes } from '../api/routes/containers.js';
import { execRoutes } from '../api/routes/exec.js';
import { containerProcessRoutes } from '../api/routes/container-process.js';
import { eventRoutes } from '../api/routes/events.js';
import { imageRoutes } from '../api/routes/images.js';
import { buildRoutes } from '../api/routes/build.js';
import { BuildCache } from '../builder/cache.js';
import { diskUsageRoutes } from '../api/routes/disk-usage.js';
import { volumeRoutes } from '../api/routes/volumes.js';
import { systemRoutes } from '../api/routes/system.js';
import { unsupportedRoutes } from '../api/routes/unsupported.js';
import { LocalContentStore } from '../drivers/content-local/store.js';
import { LocalImageStore } from '../drivers/images-local/store.js';
import { ConmonRuntime } from '../drivers/runtime-conmon/conmon.js';
import { OverlaySnapshotter, overlaySupported } from '../drivers/snapshots-overlay/overlay.js';
import { VfsSnapshotter } from '../drivers/snapshots-vfs/vfs.js';
import { LocalVolumeDriver } from '../drivers/volumes-local/local.js';
import type { Snapshotter } from '../core/snapshots.js';
import { mkdirp, writeFileAtomic } from '../lib/atomic-file.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import { EventBus } from '../services/events.js';
import type { ContainerDeps } from '../services/containers/deps.js';
import { handleExit, reconcile } from '../services/containers/lifecycle.js';
import { finishRemoval } from '../services/containers/remove.js';
import { ContainerStore } from '../services/containers/store.js';
import { ExecStore } from '../services/containers/exec/store.js';
import { startPolicyContainers, watchRestartPolicies } from '../services/containers/restart-policy.js';
import { watchHealthchecks } from '../services/containers/health.js';
import { ExitWaiters } from '../services/containers/wait.js';
import { DistributionClient } from '../registry/client.js';
import { loadConfig, USAGE, type DaemonConfig } from './config.js';
import { openNetworks } from './networks.js';
import { reconcileSandboxes } from '../services/networks/sandbox.js';
import { networkRoutes } from '../api/routes/networks.js';
import { cgroupVersion, hostInfo } from './host.js';
import { listen } from './listen.js';

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString()} berthd: ${msg}\n`);
}

async function openSnapshotter(cfg: DaemonConfig): Promise<Snapshotter> {
  const root = join(cfg.dataRoot, 'snapshots');
  await mkdirp(root);
  const driver = cfg.storageDriver ?? ((await overlaySupported(root)) ? 'overlayfs' : 'vfs');
  if (driver === 'vfs') log('storage driver: vfs (overlayfs unavailable or not chosen)');
  return driver === 'overlayfs' ? OverlaySnapshotter.open(root) : VfsSnapshotter.open(root);
}

async function daemonId(dataRoot: string): Promise<string> {
  const path = join(dataRoot, 'engine-id');
  const existing = await readFile(path, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const id = randomUUID();
  await writeFileAtomic(path, id);
  return id;
}

/** The composition root: opens the stores and drivers, reconciles containers, serves the API. */
async function main(): Promise<void> {
  const cfg = await loadConfig(process.argv.slice(2));
  if (cfg === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (process.getuid?.() !== 0) throw new Error('berthd needs to run as root');
  await mkdirp(cfg.dataRoot, 0o711);
  await mkdirp(cfg.execRoot, 0o700);

  const content = await LocalContentStore.open(join(cfg.dataRoot, 'content'));
  const images = await LocalImageStore.open(content, join(cfg.dataRoot, 'content'));
  const snapshotter = await openSnapshotter(cfg);
  const store = await ContainerStore.open(join(cfg.dataRoot, 'containers'));
  const runtime = await ConmonRuntime.open({ conmon: cfg.conmon, runtime: cfg.runtime, stateDir: cfg.execRoot });
  const events = new EventBus();
  const volumes = { driver: await LocalVolumeDriver.open(join(cfg.dataRoot, 'volumes')), containers: store, events };
  const deps: ContainerDeps = { store, images, snapshotter, runtime, locks: new KeyedLock(), waiters: new ExitWaiters(), restarting: new Set(), events, volumes, host: await hostInfo() };

  const autoRemove = (id: string): Promise<void> => finishRemoval(deps, id).catch((err: Error) => log(`auto-remove ${id}: ${err.message}`));
  deps.networks = await openNetworks(cfg, deps, log);
  await reconcile(deps, autoRemove);
  await reconcileSandboxes(deps.networks);
  watchRestartPolicies(deps, log);
  runtime.watchExits((id) => void handleExit(deps, id, autoRemove).catch((err: Error) => log(`exit of ${id}: ${err.stack ?? err.message}`)));
  void startPolicyContainers(deps, log);

  const router = new Router();
  systemRoutes(router, { containers: store, images, driver: snapshotter.name, dataRoot: cfg.dataRoot, runtimePath: cfg.runtime, daemonId: await daemonId(cfg.dataRoot), cgroupVersion: await cgroupVersion() });
  containerRoutes(router, deps);
  volumeRoutes(router, volumes);
  networkRoutes(router, deps.networks);
  const execs = new ExecStore();
  events.subscribe((ev) => ev.Type === 'container' && ev.Action === 'destroy' && execs.forgetContainer(ev.Actor.ID));
  execRoutes(router, { ...deps, execs });
  watchHealthchecks({ ...deps, execs }, log);
  containerProcessRoutes(router, deps);
  eventRoutes(router, events);
  const imageDeps = { content, images, snapshotter, containers: store, runtime, events, scratch: join(cfg.dataRoot, 'tmp'), registry: new DistributionClient(cfg.registry) };
  imageRoutes(router, imageDeps);
  buildRoutes(router, { images: imageDeps, containers: deps, cache: await BuildCache.open(join(cfg.dataRoot, 'builder')), scratch: imageDeps.scratch });
  diskUsageRoutes(router, imageDeps);
  unsupportedRoutes(router);

  const server = createApiServer(router, log, cfg.debug);
  const paths: string[] = [];
  for (const host of cfg.hosts) paths.push(await listen(server, host));
  const pidFile = join(cfg.execRoot, 'berthd.pid');
  await writeFile(pidFile, `${process.pid}\n`);
  log(`API listening on ${paths.join(', ')} (data root ${cfg.dataRoot}, storage ${snapshotter.name})`);

  // Containers keep running under conmon when the daemon stops (live restore).
  const shutdown = (sig: string): void => {
    log(`${sig}: shutting down; containers keep running`);
    server.close();
    void Promise.all([rm(pidFile, { force: true }), ...paths.map((p) => rm(p, { force: true }))]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: Error) => {
  log(`failed to start daemon: ${err.message}`);
  process.exit(1);
});
