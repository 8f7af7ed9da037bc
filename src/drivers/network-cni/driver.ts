import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachRequest, AttachResult, DetachRequest, NetworkDriver, NetworkRecord } from '../../core/network.js';
import { isErrno } from '../../core/errdefs.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { run } from '../../lib/exec.js';
import { CNI_VERSION, gatewayOf, pluginsFor, portMappingsConfig } from './conflist.js';
import { invokePlugin, type CniCall } from './invoke.js';
import { createNetns, createNetnsInUserns, removeNetns } from './netns.js';
import type { IdRange } from '../../lib/fs/shift-ids.js';

export interface CniDriverOptions {
  pluginDir: string;
  /** Persistent state: host-local leases (`ipam/`) and cached ADD results (`results/`). */
  stateDir: string;
  /** Where sandboxes are bind-mounted (`<exec-root>/netns`). */
  netnsDir: string;
  adminChain: string;
  /** userns-remap: sandboxes are owned by a user namespace with these maps. */
  userns?: { uids: readonly IdRange[]; gids: readonly IdRange[] };
}

/**
 * The bridge network driver on the standard CNI plugins, chained as libcni does: ADD runs the
 * plugins in order, each given the previous result; DEL runs them in reverse with the cached
 * ADD result. portmap's CHECK is broken in 1.1.1, so CHECK is never used.
 */
export class CniNetworkDriver implements NetworkDriver {
  /** Milliseconds of the last ADD and DEL chains (for the benchmark and debug logs). */
  readonly timings = { add: 0, del: 0 };

  private constructor(private readonly o: CniDriverOptions) {}

  static async open(o: CniDriverOptions): Promise<CniNetworkDriver> {
    await mkdir(join(o.stateDir, 'ipam'), { recursive: true });
    await mkdir(join(o.stateDir, 'results'), { recursive: true });
    await mkdir(o.netnsDir, { recursive: true, mode: 0o700 });
    return new CniNetworkDriver(o);
  }

  sandboxPath(id: string): string {
    return join(this.o.netnsDir, id);
  }

  createSandbox(id: string, shareUsernsOf?: string): Promise<string> {
    const path = this.sandboxPath(id);
    const userns = this.o.userns && { ...this.o.userns, ...(shareUsernsOf ? { join: `${this.sandboxPath(shareUsernsOf)}.userns` } : {}) };
    const made = userns ? createNetnsInUserns(path, `${path}.userns`, userns) : createNetns(path);
    return made.then(() => path);
  }

  sandboxUsernsPath(id: string): string | undefined {
    return this.o.userns ? `${this.sandboxPath(id)}.userns` : undefined;
  }

  async removeSandbox(id: string): Promise<void> {
    await removeNetns(this.sandboxPath(id));
    if (this.o.userns) await removeNetns(`${this.sandboxPath(id)}.userns`);
  }

  async sandboxes(): Promise<string[]> {
    return (await readdir(this.o.netnsDir).catch(() => [])).filter((n) => /^[0-9a-f]{64}$/.test(n));
  }

  /** The bridge with the gateway address, up — what the bridge plugin would do on the first ADD. */
  async ensureNetwork(net: NetworkRecord): Promise<void> {
    const br = net.BridgeName!;
    const { gateway, prefixLen } = gatewayOf(net);
    const exists = await run('ip', ['link', 'show', br]).then(() => true, () => false);
    if (!exists) await run('ip', ['link', 'add', br, 'type', 'bridge']);
    await run('ip', ['addr', 'replace', `${gateway}/${prefixLen}`, 'dev', br]);
    await run('ip', ['link', 'set', br, 'up']);
    if (!net.Internal) {
      const rule = this.masqueradeRule(net);
      const present = await run('iptables', ['-t', 'nat', '-C', ...rule]).then(() => true, () => false);
      if (!present) await run('iptables', ['-t', 'nat', '-A', ...rule]);
    }
  }

  /**
   * Docker's outbound NAT for a bridge network: its subnet, leaving by any other interface. Named
   * by bridge, so daemons started over and over on fresh data roots (benchmarks) never stack copies.
   */
  private masqueradeRule(net: NetworkRecord): string[] {
    const { subnet } = gatewayOf(net);
    return ['POSTROUTING', '-s', subnet, '!', '-o', net.BridgeName!, '-m', 'comment', '--comment', `berth masquerade ${net.BridgeName!}`, '-j', 'MASQUERADE'];
  }

  async removeNetwork(net: NetworkRecord): Promise<void> {
    await run('ip', ['link', 'del', net.BridgeName!]).catch(() => undefined);
    await run('iptables', ['-t', 'nat', '-D', ...this.masqueradeRule(net)]).catch(() => undefined);
    await rm(join(this.o.stateDir, 'ipam', this.cniName(net)), { recursive: true, force: true });
  }

  /** Removes the per-daemon firewall admin chain and its jump (called when the daemon's last network goes). */
  async removeAdminChain(): Promise<void> {
    await run('iptables', ['-D', 'CNI-FORWARD', '-m', 'comment', '--comment', 'CNI firewall plugin admin overrides', '-j', this.o.adminChain]).catch(() => undefined);
    await run('iptables', ['-F', this.o.adminChain]).catch(() => undefined);
    await run('iptables', ['-X', this.o.adminChain]).catch(() => undefined);
  }

  async attach(req: AttachRequest): Promise<AttachResult> {
    const t0 = Date.now();
    const call: CniCall = { command: 'ADD', containerId: req.containerId, netns: req.netnsPath, ifName: req.ifName, args: req.ip ? `IgnoreUnknown=1;IP=${req.ip}` : undefined };
    const runtimeConfig = { portMappings: portMappingsConfig(req.ports) };
    let prev: Record<string, unknown> | undefined;
    const done: Array<Record<string, unknown>> = [];
    try {
      for (const plugin of pluginsFor(req.network, this.opts())) {
        if (plugin.type === 'portmap' && req.ports.length === 0) continue; // it would return prevResult untouched
        const conf = { ...plugin, cniVersion: CNI_VERSION, name: this.cniName(req.network), ...(prev ? { prevResult: prev } : {}), runtimeConfig };
        prev = await invokePlugin(this.o.pluginDir, String(plugin.type), call, conf);
        done.push(plugin);
      }
    } catch (err) {
      // Roll back the plugins that succeeded (and the failed one: bridge may have half-allocated).
      await this.runDel(req, prev, runtimeConfig).catch(() => undefined);
      throw err;
    }
    await writeFileAtomic(this.resultPath(req), JSON.stringify({ result: prev, runtimeConfig }));
    this.timings.add = Date.now() - t0;
    return parseResult(prev!, req.ifName, gatewayOf(req.network).gateway);
  }

  async detach(req: DetachRequest): Promise<void> {
    const t0 = Date.now();
    const cached = await readFile(this.resultPath(req), 'utf8').then((t) => JSON.parse(t) as { result?: Record<string, unknown>; runtimeConfig?: object }, (err: unknown) => {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    });
    await this.runDel(req, cached?.result, cached?.runtimeConfig ?? { portMappings: [] });
    await rm(this.resultPath(req), { force: true });
    this.timings.del = Date.now() - t0;
  }

  private async runDel(req: DetachRequest, prev: Record<string, unknown> | undefined, runtimeConfig: object): Promise<void> {
    const call: CniCall = { command: 'DEL', containerId: req.containerId, netns: req.netnsPath, ifName: req.ifName };
    const errors: string[] = [];
    const del = (plugin: Record<string, unknown>): Promise<unknown> => {
      const conf = { ...plugin, cniVersion: CNI_VERSION, name: this.cniName(req.network), ...(prev ? { prevResult: prev } : {}), runtimeConfig };
      // DEL must go on through every plugin: one failing must not leave the others' state behind.
      return invokePlugin(this.o.pluginDir, String(plugin.type), call, conf).catch((err: Error) => errors.push(err.message));
    };
    // The chained plugins' DELs touch disjoint state (their own rules, keyed by container and
    // address; the plugins take the xtables lock), so they run side by side; bridge, which owns the
    // address and the veth they key on, goes last. portmap is skipped when ADD published nothing
    // (a known result says so) — its DEL alone costs several iptables runs.
    const noPorts = prev !== undefined && ((runtimeConfig as { portMappings?: unknown[] }).portMappings ?? []).length === 0;
    const [bridge, ...chained] = pluginsFor(req.network, this.opts());
    await Promise.all(chained.filter((p) => !(p.type === 'portmap' && noPorts)).map(del));
    await del(bridge!);
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  private opts(): { ipamDir: string; adminChain: string } {
    return { ipamDir: join(this.o.stateDir, 'ipam'), adminChain: this.o.adminChain };
  }

  /** The CNI network name: unique per network (host-local keys its lease dir by it). */
  private cniName(net: NetworkRecord): string {
    return `berth-${net.Id.slice(0, 12)}`;
  }

  private resultPath(req: { network: NetworkRecord; containerId: string; ifName: string }): string {
    return join(this.o.stateDir, 'results', `${req.network.Id.slice(0, 12)}-${req.containerId}-${req.ifName}.json`);
  }
}

/** The address of `ifName` in a CNI 1.0 result (interfaces + ips). */
function parseResult(result: Record<string, unknown>, ifName: string, gateway: string): AttachResult {
  const ifaces = (result.interfaces ?? []) as Array<{ name: string; mac?: string; sandbox?: string }>;
  const ips = (result.ips ?? []) as Array<{ address: string; gateway?: string; interface?: number }>;
  const idx = ifaces.findIndex((i) => i.name === ifName && i.sandbox);
  const ip = ips.find((i) => i.interface === idx) ?? ips[0];
  if (ip === undefined) throw new Error('CNI result has no IP address');
  const [addr, len] = ip.address.split('/');
  return { ip: addr!, prefixLen: Number(len), gateway: ip.gateway ?? gateway, mac: ifaces[idx]?.mac ?? '' };
}

