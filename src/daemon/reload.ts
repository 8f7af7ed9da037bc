import { hostname } from 'node:os';
import type { EventBus } from '../services/events.js';
import { fixedChanges, readSettings, reloadableChanges, type DaemonConfig, type Flags, type Settings } from './config.js';
import { goFormat } from './config-kinds.js';

export interface ReloadTarget {
  cfg: DaemonConfig;
  flags: Flags;
  events: EventBus;
  daemonId: string;
  log(msg: string): void;
}

/**
 * The `daemon reload` event's attributes: the reloadable settings as dockerd reports them
 * (lists as JSON, maps as Go prints them) and the daemon's name.
 */
export function reloadAttributes(cfg: DaemonConfig): Record<string, string> {
  const s = cfg.settings;
  return {
    debug: String(s.debug),
    'default-runtime': s['default-runtime'],
    features: goFormat(s.features),
    'insecure-registries': JSON.stringify(s['insecure-registries']),
    labels: JSON.stringify(s.labels),
    'live-restore': String(s['live-restore']),
    'max-concurrent-downloads': String(s['max-concurrent-downloads']),
    'max-concurrent-uploads': String(s['max-concurrent-uploads']),
    name: hostname(),
    'registry-mirrors': JSON.stringify(s['registry-mirrors']),
    runtimes: Object.entries(cfg.runtimes)
      .map(([name, r]) => `${name}:${r.path}`)
      .sort()
      .join(' '),
    'shutdown-timeout': String(s['shutdown-timeout']),
  };
}

/** Copies the reloadable settings into the live configuration the services read. */
function apply(cfg: DaemonConfig, next: Settings): void {
  const live = cfg.settings as Record<string, unknown>;
  for (const key of reloadableChanges(cfg.settings, next)) live[key] = next[key];
  cfg.debug = next.debug || next['log-level'] === 'debug';
  cfg.registry.insecure = next['insecure-registries'];
  cfg.registry.mirrors = next['registry-mirrors'];
}

/**
 * SIGHUP: reads the flags and daemon.json again and applies the reloadable keys (Docker's set:
 * debug, labels, registries, max-concurrent-*, shutdown-timeout, live-restore, features). A bad
 * file changes nothing; other changed keys are logged as needing a restart. Emits `daemon reload`.
 */
export async function reloadConfig(t: ReloadTarget): Promise<void> {
  let next: Settings;
  try {
    next = (await readSettings(t.flags)).settings;
  } catch (err) {
    t.log(`Error reconfiguring the daemon: ${(err as Error).message}`);
    return;
  }
  const changed = reloadableChanges(t.cfg.settings, next);
  const fixed = fixedChanges(t.cfg.settings, next);
  apply(t.cfg, next);
  t.log(`Reloaded configuration from ${t.cfg.configFile}: ${changed.length ? changed.map((k) => `${k}=${JSON.stringify(next[k])}`).join(', ') : 'no changes'}`);
  if (fixed.length > 0) t.log(`not reloaded (a restart applies them): ${fixed.join(', ')}`);
  t.events.publish('daemon', 'reload', t.daemonId, reloadAttributes(t.cfg));
}
