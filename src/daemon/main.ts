import { randomUUID } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createApiServer, type ApiServerOptions } from '../api/server.js';
import { Router } from '../api/router.js';
import { containerRoutes } from '../api/routes/containers.js';
import { execRoutes } from '../api/routes/exec.js';
import { containerProcessRoutes } from '../api/routes/container-process.js';
import { eventRoutes } from '../api/routes/events.js';
import { imageRoutes } from '../api/routes/images.js';
import { buildRoutes } from '../api/routes/build.js';
import { buildkitRoutes } from '../api/routes/buildkit.js';
import { BuildCache } from '../builder/cache.js';
import { diskUsageRoutes } from '../api/routes/disk-usage.js';
import { volumeRoutes } from '../api/routes/volumes.js';
import { systemRoutes, type DaemonView } from '../api/routes/system.js';
import { SERVER_VERSION } from '../api/types/version.js';
import { unsupportedRoutes } from '../api/routes/unsupported.js';
import { LocalContentStore } from '../drivers/content-local/store.js';
import { LocalImageStore } from '../drivers/images-local/store.js';
import { ConmonRuntime } from '../drivers/runtime-conmon/conmon.js';
import { LocalVolumeDriver } from '../drivers/volumes-local/local.js';
import { mkdirp, writeFileAtomic } from '../lib/atomic-file.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import { EventBus } from '../services/events.js';
import { LogService } from '../services/logs/service.js';
import type { ContainerDefaults, ContainerDeps } from '../services/containers/deps.js';
import { handleExit } from '../services/containers/supervisor/exit.js';
import { reconcile } from '../services/containers/supervisor/reconcile.js';
import { recoverImageOps } from '../services/images/reconcile.js';
import type { ImageDeps } from '../services/images/deps.js';
import { IntentLog } from '../lib/intents.js';
import { finishRemoval } from '../services/containers/remove.js';
import { ContainerStore } from '../services/containers/store.js';
import { ExecStore } from '../services/containers/exec/store.js';
import { startPolicyContainers, watchRestartPolicies } from '../services/containers/supervisor/restart-policy.js';
import { watchHealthchecks } from '../services/containers/supervisor/health.js';
import { ExitWaiters } from '../services/containers/wait.js';
import { DistributionClient } from '../registry/client.js';
import { loadConfig, parseFlags, usage, type DaemonConfig, type Flags } from './config.js';
import { claimPidFile } from './pidfile.js';
import { reloadConfig } from './reload.js';
import { LOG_DRIVERS } from './config-options.js';
import { openNetworks } from './networks.js';
import { drainSandboxPool } from '../services/networks/sandbox-pool.js';
import { reconcileNetworking } from '../services/networks/reconcile.js';
import { networkRoutes } from '../api/routes/networks.js';
import { cgroupVersion, hostInfo, hostLsms, seccompSupported } from './host.js';
import { checkListenAddresses, listenAll } from './listen.js';
import { createDaemonMetrics, planObservability, startObservability } from './observability.js';
import { resolveUsernsRemap } from './userns-remap.js';
import { tightenDataRoot } from './data-root-modes.js';
import { remappedRoot } from '../services/containers/remap.js';
import { securityInfo } from '../services/containers/config/security-config.js';
import type { DaemonSecurity } from '../services/containers/spec/types.js';
import { enablePhaseTimings, timed } from '../lib/phase-timer.js';
import { installLastResort, type LastResort } from './last-resort.js';
import { openSnapshotter } from './storage-driver.js';
import { criSocketPath, serveCri } from './cri.js';
import { openPods } from './cri-pods.js';
import { sandboxNetnsPath } from '../cri/sandbox-status.js';

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString()} berthd: ${msg}\n`);
}

async function daemonId(dataRoot: string): Promise<string> {
  const path = join(dataRoot, 'engine-id');
  const existing = await readFile(path, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const id = randomUUID();
  await writeFileAtomic(path, id);
  return id;
}

/** What `info` reports of the configuration, read live (SIGHUP changes some of it). */
function daemonView(cfg: DaemonConfig, security: { options: string[]; warnings: string[] }): DaemonView {
  const s = cfg.settings;
  return {
    get debug() {
      return cfg.debug;
    },
    get labels() {
      return s.labels;
    },
    loggingDriver: s['log-driver'],
    logDrivers: LOG_DRIVERS.filter((d) => d !== 'none'),
    runtimes: cfg.runtimes,
    defaultRuntime: s['default-runtime'],
    registry: cfg.registry,
    securityOptions: security.options,
    get warnings() {
      return s['live-restore']
        ? security.warnings
        : [...security.warnings, 'WARNING: live-restore cannot be turned off: containers run under conmon and always outlive berthd'];
    },
    conmon: cfg.conmon,
  };
}

/**
 * The remapped root reaches rootfs and bundles through the data root by group, and through the
 * directories above it as others: the first of those that others may not search.
 */
async function unsearchableParent(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

/** The composition root: opens the stores and drivers, reconciles containers, serves the API. */
async function serve(cfg: DaemonConfig, flags: Flags, lastResort: LastResort): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('berthd needs to run as root');
  const observability = planObservability(cfg);
  checkListenAddresses(cfg.hosts, cfg.access);
  // A SIGHUP during start-up must not end the daemon (Node's default): it reloads once serving.
  let onHangup = (): void => log('SIGHUP during start-up: ignored');
  process.on('SIGHUP', () => onHangup());
  await mkdirp(cfg.dataRoot, 0o710);
  await mkdirp(cfg.execRoot, 0o700);
  // Single instance: before anything touches state another daemon might own.
  const releases = [await claimPidFile(cfg.pidFile)];
  try {
    releases.push(await claimPidFile(join(cfg.dataRoot, 'berthd.pid')));
  } catch (err) {
    await releases[0]!();
    throw err;
  }

  if (cfg.debug) enablePhaseTimings(log);
  // Start-up reconciles what a crash (kill -9, power loss) left: each finding is one warning line.
  const reconciled = (msg: string): void => log(`level=warning msg="reconcile: ${msg.replace(/"/g, '\\"')}"`);
  const content = await LocalContentStore.open(join(cfg.dataRoot, 'content'), reconciled);
  const intents = await IntentLog.open(join(cfg.dataRoot, 'intents'));
  const images = await LocalImageStore.open(content, join(cfg.dataRoot, 'content'));
  const snapshotter = await openSnapshotter(cfg.dataRoot, cfg.storageDriver, log);
  const store = await ContainerStore.open(join(cfg.dataRoot, 'containers'));
  const runtime = await ConmonRuntime.open({
    conmon: cfg.conmon,
    runtime: cfg.runtime,
    runtimes: cfg.runtimes,
    defaultRuntime: cfg.settings['default-runtime'],
    stateDir: cfg.execRoot,
  });
  const events = new EventBus();
  const volumes = { driver: await LocalVolumeDriver.open(join(cfg.dataRoot, 'volumes')), containers: store, events };
  const metrics = await createDaemonMetrics(observability, {
    containers: () => store.all(),
    images: () => images.list().length,
    volumes: () => volumes.driver.list().length,
  });
  const s = cfg.settings;
  const defaults: ContainerDefaults = {
    ulimits: s['default-ulimits'],
    dns: { servers: s.dns, search: s['dns-search'], options: s['dns-opts'] },
    runtimes: { names: Object.keys(cfg.runtimes), default: s['default-runtime'] },
    cpuRealtime: { period: s['cpu-rt-period'], runtime: s['cpu-rt-runtime'] },
  };
  const lsms = await hostLsms();
  const remap = s['userns-remap'] ? await resolveUsernsRemap(s['userns-remap']) : undefined;
  if (remap) {
    log(`userns-remap: container root is host ${remap.key.replace('.', ':')}`);
    const blocked = await unsearchableParent(dirname(resolve(cfg.dataRoot)));
    if (blocked) log(`WARNING: userns-remap: ${blocked} is not searchable by the remapped root (needs o+x, e.g. chmod 711); containers will fail to start`);
  }
  // Before anything is served: older installs made these 0711/0755.
  await tightenDataRoot(cfg.dataRoot, cfg.execRoot, remap ? { remapGid: remappedRoot(remap).gid } : {});
  const security: DaemonSecurity = {
    cgroupVersion: await cgroupVersion(),
    apparmor: lsms.apparmor,
    seccomp: await seccompSupported(),
    ...(remap ? { remap: { key: remap.key, uidMappings: remap.uids, gidMappings: remap.gids } } : {}),
  };
  const running = (id: string): boolean => ['running', 'paused'].includes(store.find(id)?.State.Status ?? '');
  // BERTH_LOG_TRIM_BYTES: a test knob, so the capture hand-over is exercised without 8 MiB of output.
  const trimAt = Number(process.env.BERTH_LOG_TRIM_BYTES) || undefined;
  const logs = new LogService({
    defaults: { Type: s['log-driver'], Config: s['log-opts'] },
    reopen: (id) => runtime.reopenLog(id),
    running,
    known: (id) => store.find(id)?.Id === id,
    log,
    trimAt,
  });
  const imageDeps: ImageDeps = {
    content,
    images,
    snapshotter,
    containers: store,
    runtime,
    events,
    scratch: join(cfg.dataRoot, 'tmp'),
    intents,
    registry: new DistributionClient(cfg.registry),
    security,
    limits: {
      get downloads() {
        return s['max-concurrent-downloads'];
      },
      get uploads() {
        return s['max-concurrent-uploads'];
      },
    },
  };
  const reconcileStarted = performance.now();
  await timed('start-up: image operations', () => recoverImageOps(imageDeps, reconciled));
  // Built once, bottom-up: the networks own the sandboxes (and their /etc files) and see the
  // containers only through their store and locks; the containers' deps then hold the networks.
  const locks = new KeyedLock();
  const id = await daemonId(cfg.dataRoot);
  const networks = await timed('start-up: networks', () =>
    openNetworks(cfg, { containers: store, locks, events, security, hostId: id }, { log, intents, report: reconciled }),
  );
  const deps: ContainerDeps = {
    store,
    images,
    snapshotter,
    runtime,
    locks,
    waiters: new ExitWaiters(),
    restarting: new Set(),
    events,
    volumes,
    logs,
    networks,
    host: await hostInfo(),
    defaults,
    security,
    log,
    onStarted: metrics?.observeContainerStart,
  };
  const autoRemove = (id: string): Promise<void> => finishRemoval(deps, id).catch((err: Error) => log(`auto-remove ${id}: ${err.message}`));
  await timed('start-up: containers', () => reconcile(deps, autoRemove, reconciled));
  await store.settled(); // removals finished by reconcile release their sandboxes themselves
  await timed('start-up: container networking', () => reconcileNetworking(networks, reconciled));
  const pods = await timed('start-up: pods', () => openPods(cfg, { containers: deps, networks, log, report: reconciled }));
  log(`start-up reconcile took ${Math.round(performance.now() - reconcileStarted)} ms (${store.all().length} containers)`);
  logs.recover(store.all());
  watchRestartPolicies(deps, log);
  runtime.watchExits((id) => void handleExit(deps, id, autoRemove).catch((err: Error) => log(`exit of ${id}: ${err.stack ?? err.message}`)));
  void startPolicyContainers(deps, log);

  const router = new Router();
  systemRoutes(router, {
    containers: store,
    images,
    events,
    driver: snapshotter.name,
    dataRoot: cfg.dataRoot,
    daemonId: id,
    cgroupVersion: security.cgroupVersion,
    daemon: daemonView(cfg, securityInfo(security, lsms)),
  });
  containerRoutes(router, deps);
  volumeRoutes(router, volumes);
  networkRoutes(router, networks);
  const execs = new ExecStore();
  events.subscribe((ev) => ev.Type === 'container' && ev.Action === 'destroy' && execs.forgetContainer(ev.Actor.ID));
  execRoutes(router, { ...deps, execs });
  watchHealthchecks({ ...deps, execs }, log);
  containerProcessRoutes(router, deps);
  eventRoutes(router, events);
  imageRoutes(router, imageDeps);
  const builderDeps = { images: imageDeps, containers: deps, cache: await BuildCache.open(join(cfg.dataRoot, 'builder')), scratch: imageDeps.scratch };
  buildRoutes(router, builderDeps);
  const buildkit = buildkitRoutes(router, {
    builder: builderDeps,
    snapshotter: snapshotter.name === 'vfs' ? 'native' : 'overlayfs',
    log,
    debug: () => cfg.debug,
  });
  diskUsageRoutes(router, imageDeps, volumes, builderDeps);
  unsupportedRoutes(router);

  const makeServer = (tls?: ApiServerOptions['tls']) =>
    createApiServer(router, { log, debug: () => cfg.debug, observe: metrics?.observeRequest, tls, corsOrigin: s['api-cors-header'] });
  // Before the API: once /_ping answers, so does the CRI.
  const cri = await serveCri(
    criSocketPath(s['cri-socket'], cfg.execRoot),
    {
      images: imageDeps,
      containers: { ...deps, execs },
      // A pod sandbox's pinned netns (pod sandbox ids only, as containerd and CRI-O resolve them).
      sandboxNetns: (id) => sandboxNetnsPath({ pods }, id),
      imageFs: join(cfg.dataRoot, 'snapshots'),
      version: SERVER_VERSION,
      pods,
      log,
      debug: () => cfg.debug,
    },
    cfg.access,
  );
  log(`CRI listening on ${cri.address}`);
  const listeners = await listenAll(cfg.hosts, makeServer, cfg.access, log);
  log(`API listening on ${listeners.map((l) => l.address).join(', ')} (data root ${cfg.dataRoot}, storage ${snapshotter.name})`);
  lastResort.serving();
  const side =
    metrics === undefined
      ? { servers: [], files: [] }
      : await startObservability(observability, cfg.execRoot, {
          containers: { ...deps, execs },
          images: imageDeps,
          volumes,
          networks,
          events,
          metrics: metrics.registry,
          log,
        });

  onHangup = () => void reloadConfig({ cfg, flags, events, daemonId: id, log });
  // Containers keep running under conmon when the daemon stops (live restore).
  let stopping = false;
  const shutdown = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: shutting down; containers keep running`);
    events.close();
    buildkit.close();
    const closed = Promise.all(listeners.map((l) => new Promise<void>((r) => l.server.close(() => r()))));
    listeners.forEach((l) => l.server.closeIdleConnections());
    for (const extra of side.servers) extra.close();
    // Requests in flight get `shutdown-timeout` seconds; hijacked streams (attach, exec) are not
    // the HTTP server's to close, so the grace ends the wait whatever is still open.
    const grace = new Promise<void>((r) => setTimeout(r, s['shutdown-timeout'] * 1000));
    // No new clients, then the requests in flight, then the pid files: a new berthd cannot start
    // while this one still works on the state.
    void Promise.all([...listeners.map((l) => l.cleanup()), cri.close(s['shutdown-timeout'] * 1000)])
      .then(() => Promise.race([Promise.all([closed, store.settled()]), grace]))
      .then(() => networks.sandboxPool && drainSandboxPool(networks, networks.sandboxPool))
      .then(() => Promise.all([...releases.map((r) => r()), ...side.files.map((f) => rm(f, { force: true }))]))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) return void process.stdout.write(usage());
  if (flags.version) return void process.stdout.write(`berthd version ${SERVER_VERSION}, build berth (${process.version})\n`);
  if (flags.validate) {
    try {
      await loadConfig(flags);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    }
    return void process.stdout.write('configuration OK\n');
  }
  const lastResort = installLastResort(log);
  await serve(await loadConfig(flags), flags, lastResort);
}

main().catch((err: Error) => {
  log(`failed to start daemon: ${err.message}`);
  process.exit(1);
});
