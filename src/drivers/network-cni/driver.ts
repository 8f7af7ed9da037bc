import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachRequest, AttachResult, DetachRequest, InterfaceAddress, NetworkDriver, NetworkRecord, PortMapping } from '../../core/network.js';
import { isErrno, unavailable } from '../../lib/errdefs.js';
import { mkdirp, replaceFile, writeFileAtomic } from '../../lib/atomic-file.js';
import { run } from '../../lib/exec.js';
import { crashPoint } from '../../lib/crash-point.js';
import { claimBridge, releaseBridge } from './bridge-link.js';
import { bridgePools, CNI_VERSION, isLoopback6, pluginsFor, portMappingsConfig, type BridgePool } from './conflist.js';
import { invokePlugin, type CniCall } from './invoke.js';
import { createNetns, createNetnsInUserns, removeNetns } from './netns.js';
import { dnatJumps, dnatPorts, removeDnatJump, removeStaleLeases, type Xtables } from './leftovers.js';
import { FORWARD_CHAIN, keepLoopbackFromDnat, noteIpv6Forwarding, releaseIpv6Host } from './ipv6-host.js';
import { LoopbackProxies } from './loopback-proxy.js';
import type { IdRange } from '../../lib/fs/shift-ids.js';

export interface CniDriverOptions {
  pluginDir: string;
  /** Persistent state: host-local leases (`ipam/`) and cached ADD results (`results/`). */
  stateDir: string;
  /** Where sandboxes are bind-mounted (`<exec-root>/netns`). */
  netnsDir: string;
  /** userns-remap: sandboxes are owned by a user namespace with these maps. */
  userns?: { uids: readonly IdRange[]; gids: readonly IdRange[] };
  log?: (msg: string) => void;
}

/**
 * The bridge network driver on the standard CNI plugins, chained as libcni does: ADD runs the
 * plugins in order, each given the previous result; DEL runs the plugins that ADD ran with the
 * cached ADD result. portmap's CHECK is broken in 1.1.1, so CHECK is never used. What is per
 * network rather than per container (outbound NAT, forwarding) is installed with the bridge.
 */
export class CniNetworkDriver implements NetworkDriver {
  /** Networks whose bridge ensureNetwork claimed: containers attach to these only. */
  private readonly ready = new Set<string>();
  private readonly proxies: LoopbackProxies;

  private constructor(private readonly o: CniDriverOptions) {
    this.proxies = new LoopbackProxies(o.log ?? (() => undefined));
  }

  static async open(o: CniDriverOptions): Promise<CniNetworkDriver> {
    await mkdirp(join(o.stateDir, 'ipam'));
    await mkdirp(join(o.stateDir, 'results'));
    await mkdirp(o.netnsDir, 0o700);
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

  /**
   * The bridge with the gateway address, up — what the bridge plugin would do on the first ADD —
   * and the network's rules: Docker's outbound NAT, and forwarding (FORWARD's policy may be DROP,
   * as dockerd leaves it): out of the bridge, replies and published ports (DNAT) into it; an
   * internal network only within itself.
   */
  async ensureNetwork(net: NetworkRecord, opts: { adoptUnmarked?: boolean } = {}): Promise<void> {
    const br = net.BridgeName!;
    const pools = bridgePools(net);
    // The bridge is claimed first: a name berth may not take gets no rules either. Then the link
    // and the rules are independent (start-up makes every bridge: the spawns add up).
    await claimBridge(net, opts);
    const link = async (): Promise<void> => {
      // A host whose interfaces start with IPv6 off (default.disable_ipv6) still gets it on this bridge (it goes with the bridge).
      if (pools.some((p) => p.family === 6)) await writeFile(`/proc/sys/net/ipv6/conf/${br}/disable_ipv6`, '0\n');
      for (const p of pools) await run('ip', ['addr', 'replace', `${p.gateway}/${p.prefixLen}`, 'dev', br, ...(p.family === 6 ? ['nodad'] : [])]);
      await run('ip', ['link', 'set', br, 'up']);
    };
    const rules = async (): Promise<void> => {
      const wanted = networkRules(net, pools);
      for (const tool of new Set(wanted.map((r) => r[0]))) await ensureForwardChain(tool);
      const present = await Promise.all(
        wanted.map(([tool, table, chain, rule]) =>
          run(tool, ['-w', '-t', table, '-C', chain, ...rule]).then(
            () => true,
            () => false,
          ),
        ),
      );
      // In berth's chain drops go first and accepts last, so an internal network stays closed to
      // every other bridge whatever order the networks' rules were (re)made in.
      for (const [i, [tool, table, chain, rule]] of wanted.entries()) {
        const at = rule.at(-1) === 'DROP' ? ['-I', chain, '1'] : ['-A', chain];
        if (!present[i]) await run(tool, ['-w', '-t', table, ...at, ...rule]);
      }
    };
    await Promise.all([link(), rules()]);
    this.ready.add(net.Id);
  }

  async removeNetwork(net: NetworkRecord): Promise<void> {
    this.ready.delete(net.Id);
    await releaseBridge(net).catch(() => undefined);
    for (const [tool, table, chain, rule] of networkRules(net, bridgePools(net)))
      await run(tool, ['-w', '-t', table, '-D', chain, ...rule]).catch(() => undefined);
    // Published ports a DEL never released (a crash) must not outlive the network and hijack the port.
    for (const j of await dnatJumps()) if (j.network === this.cniName(net)) await removeDnatJump(j);
    await rm(join(this.o.stateDir, 'ipam', this.cniName(net)), { recursive: true, force: true });
    for (const what of await releaseIpv6Host().catch((err: Error) => [`(failed: ${err.message})`]))
      this.o.log?.(`no berth network carries IPv6 any more: released ${what}`);
  }

  async hostIpv6Prefixes(): Promise<Array<{ prefix: string; dev: string }>> {
    const { stdout } = await run('ip', ['-6', '-j', 'route', 'show', 'proto', 'kernel']);
    const routes = JSON.parse(stdout || '[]') as Array<{ dst: string; dev: string }>;
    const out: Array<{ prefix: string; dev: string }> = [];
    for (const r of routes) {
      if (r.dst.startsWith('fe80:') || r.dst === 'default') continue;
      const alias = await readFile(`/sys/class/net/${r.dev}/ifalias`, 'utf8').catch(() => '');
      if (!alias.startsWith('berth:')) out.push({ prefix: r.dst.includes('/') ? r.dst : `${r.dst}/128`, dev: r.dev });
    }
    return out;
  }

  heldPorts(): Promise<Set<string>> {
    return dnatPorts();
  }

  async attachedContainers(): Promise<string[]> {
    const ids = (await readdir(join(this.o.stateDir, 'results')).catch(() => [] as string[])).map((f) => RESULT_FILE.exec(f)?.[2]);
    return [...new Set(ids.filter((id): id is string => id !== undefined))];
  }

  async detachAll(containerId: string): Promise<string[]> {
    const released: string[] = [];
    const errors: string[] = [];
    for (const file of await readdir(join(this.o.stateDir, 'results')).catch(() => [] as string[])) {
      // A result write cut short (berthd killed mid-rename) leaves its temp file: it names no chain.
      if (file.startsWith('.') && file.endsWith('.tmp') && file.includes(`-${containerId}-`)) {
        await rm(join(this.o.stateDir, 'results', file), { force: true });
        continue;
      }
      const m = RESULT_FILE.exec(file);
      if (m?.[2] !== containerId) continue;
      const path = join(this.o.stateDir, 'results', file);
      const cached = await readCached(path);
      if (cached?.proxy) this.proxies.stop(containerId);
      const call: CniCall = { command: 'DEL', containerId, netns: this.sandboxPath(containerId), ifName: m[3]! };
      const ok =
        cached?.chain === undefined ||
        (await this.runDel(`berth-${m[1]}`, call, cached.result, cached.runtimeConfig ?? { portMappings: [] }, cached.chain).then(
          () => true,
          (err: Error) => void errors.push(err.message),
        ));
      if (!ok) continue; // kept: the next teardown or start-up tries again
      await rm(path, { force: true });
      released.push(`${m[3]} on berth-${m[1]}`);
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
    return released;
  }

  async releaseOrphans(networks: NetworkRecord[], keep: (containerId: string) => boolean): Promise<string[]> {
    const names = new Set(networks.map((n) => this.cniName(n)));
    const out = (await removeStaleLeases(join(this.o.stateDir, 'ipam'), keep)).map((l) => `IP lease ${l}`);
    for (const j of await dnatJumps()) {
      if (!names.has(j.network) || keep(j.containerId)) continue;
      await removeDnatJump(j);
      out.push(`DNAT chain ${j.chain} of ${j.containerId.slice(0, 12)} on ${j.network}`);
    }
    // A berthd killed with the last IPv6 network's rm half done, or IPv6 bridges gone with their daemon.
    out.push(...(await releaseIpv6Host().catch(() => [])));
    return out;
  }

  async attach(req: AttachRequest): Promise<AttachResult> {
    // The bridge plugin would make (or take) the bridge itself: only networks whose bridge berth claimed.
    if (!this.ready.has(req.network.Id))
      throw unavailable(`network ${req.network.Name} is down: its bridge ${req.network.BridgeName} could not be set up (see berthd's log)`);
    const call: CniCall = {
      command: 'ADD',
      containerId: req.containerId,
      netns: req.netnsPath,
      ifName: req.ifName,
      args: cniArgs(req),
    };
    const runtimeConfig = { portMappings: portMappingsConfig(req.ports) };
    let prev: Record<string, unknown> | undefined;
    const done: Array<Record<string, unknown>> = [];
    // portmap with no ports would return prevResult untouched.
    const chain = pluginsFor(req.network, this.opts(), req.ipam, req.defaultRoute).filter((p) => p.type !== 'portmap' || runtimeConfig.portMappings.length > 0);
    const pools = bridgePools(req.network);
    // Intent first: until the result is written, the cache names the whole chain, so a DEL after
    // a crash anywhere in the ADD (detachAll, start-up) releases whatever it had made.
    await replaceFile(this.resultPath(req), JSON.stringify({ result: undefined, runtimeConfig, chain } satisfies CachedAdd));
    let out: AttachResult;
    let proxy: CachedAdd['proxy'];
    try {
      if (pools.some((p) => p.family === 6)) {
        await noteIpv6Forwarding();
        // No duplicate address detection in the sandbox (dockerd adds its addresses `nodad`): the
        // bridge plugin waits for the address to leave DAD's tentative state, ≈ 1 s per start.
        // Interfaces moved into the namespace take its `default` settings.
        await run('nsenter', [`--net=${req.netnsPath}`, 'sysctl', '-q', '-w', 'net.ipv6.conf.default.accept_dad=0']);
      }
      for (const plugin of chain) {
        const conf = { ...plugin, cniVersion: CNI_VERSION, name: this.cniName(req.network), ...(prev ? { prevResult: prev } : {}), runtimeConfig };
        prev = await invokePlugin(this.o.pluginDir, String(plugin.type), call, conf);
        done.push(plugin);
        crashPoint(`cni-add:${String(plugin.type)}`);
      }
      out = parseResult(prev!, req.ifName, pools);
      // `--link-local-ip`: extra addresses on the interface, as dockerd adds them (they go with the veth).
      for (const ll of req.ipam?.LinkLocalIPs ?? [])
        await run('nsenter', [
          `--net=${req.netnsPath}`,
          'ip',
          'addr',
          'add',
          `${ll}/${ll.includes(':') ? 64 : 16}`,
          'dev',
          req.ifName,
          ...(ll.includes(':') ? ['nodad'] : []),
        ]);
      // [::1]: bindings to it, and, for a container with an IPv6 address, to every address (portmap's
      // IPv6 DNAT would take ::1 too, and no DNAT can reach a container from there).
      const everywhere = (p: PortMapping): boolean => out.ipv6 !== undefined && p.protocol !== 'sctp' && ['', '0.0.0.0', '::'].includes(p.hostIp);
      const loopback6 = req.ports.filter((p) => isLoopback6(p.hostIp) || everywhere(p));
      if (out.ipv6 && runtimeConfig.portMappings.length > 0) await keepLoopbackFromDnat();
      if (loopback6.length > 0) {
        proxy = { target: out.ipv6?.ip || out.ip, ports: loopback6 };
        await this.proxies.start(req.containerId, proxy.ports, proxy.target);
      }
    } catch (err) {
      if (proxy) this.proxies.stop(req.containerId); // this endpoint's (the published ports are on one endpoint only)
      // Roll back the plugins that succeeded (and the failed one: bridge may have half-allocated);
      // the intent stays when that fails too, for the next teardown or start-up.
      const del: CniCall = { ...call, command: 'DEL', args: undefined };
      if (
        await this.runDel(this.cniName(req.network), del, prev, runtimeConfig, chain).then(
          () => true,
          () => false,
        )
      )
        await rm(this.resultPath(req), { force: true });
      throw err;
    }
    await writeFileAtomic(this.resultPath(req), JSON.stringify({ result: prev, runtimeConfig, chain: done, proxy } satisfies CachedAdd));
    return out;
  }

  async resumeProxies(keep: (containerId: string) => boolean): Promise<void> {
    for (const file of await readdir(join(this.o.stateDir, 'results')).catch(() => [] as string[])) {
      const id = RESULT_FILE.exec(file)?.[2];
      if (id === undefined || !keep(id)) continue;
      const proxy = (await readCached(join(this.o.stateDir, 'results', file)))?.proxy;
      if (proxy) await this.proxies.start(id, proxy.ports, proxy.target).catch((err: Error) => this.o.log?.(`proxy of ${id.slice(0, 12)}: ${err.message}`));
    }
  }

  async setDefaultRoute(containerId: string, via: { gateway: string; ifName: string } | undefined): Promise<void> {
    const ns = ['--net=' + this.sandboxPath(containerId), 'ip', 'route'];
    if (via) await run('nsenter', [...ns, 'replace', 'default', 'via', via.gateway, 'dev', via.ifName]);
    else await run('nsenter', [...ns, 'del', 'default']).catch(() => undefined); // none there: nothing to remove
  }

  async detach(req: DetachRequest): Promise<void> {
    const cached = await readCached(this.resultPath(req));
    if (cached?.proxy) this.proxies.stop(req.containerId);
    const call: CniCall = { command: 'DEL', containerId: req.containerId, netns: req.netnsPath, ifName: req.ifName };
    await this.runDel(
      this.cniName(req.network),
      call,
      cached?.result,
      cached?.runtimeConfig ?? { portMappings: [] },
      cached?.chain ?? pluginsFor(req.network, this.opts()),
    );
    await rm(this.resultPath(req), { force: true });
  }

  /**
   * DEL through `chain` (what ADD ran or was about to run, from its cached result; the whole
   * chain when unknown). The chained plugins' DELs touch disjoint state (their own rules, keyed
   * by container and address; they take the xtables lock), so they run side by side; bridge,
   * which owns the address and the veth they key on, goes last. DEL goes on through every plugin:
   * one failing must not leave the others' state behind.
   */
  private async runDel(
    name: string,
    call: CniCall,
    prev: Record<string, unknown> | undefined,
    runtimeConfig: object,
    chain: Array<Record<string, unknown>>,
  ): Promise<void> {
    const errors: string[] = [];
    const del = (plugin: Record<string, unknown>): Promise<unknown> => {
      const conf = { ...plugin, cniVersion: CNI_VERSION, name, ...(prev ? { prevResult: prev } : {}), runtimeConfig };
      return invokePlugin(this.o.pluginDir, String(plugin.type), call, conf).catch((err: Error) => errors.push(err.message));
    };
    const [bridge, ...chained] = chain;
    await Promise.all(chained.map(del));
    if (bridge) await del(bridge);
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  private opts(): { ipamDir: string } {
    return { ipamDir: join(this.o.stateDir, 'ipam') };
  }

  /** The CNI network name: unique per network (host-local keys its lease dir by it). */
  private cniName(net: NetworkRecord): string {
    return `berth-${net.Id.slice(0, 12)}`;
  }

  private resultPath(req: { network: NetworkRecord; containerId: string; ifName: string }): string {
    return join(this.o.stateDir, 'results', `${req.network.Id.slice(0, 12)}-${req.containerId}-${req.ifName}.json`);
  }
}

/** `<network id12>-<container id>-<ifname>.json` in `results/`. */
const RESULT_FILE = /^([0-9a-f]{12})-([0-9a-f]{64})-(.+)\.json$/;

async function readCached(path: string): Promise<Partial<CachedAdd> | undefined> {
  return readFile(path, 'utf8').then(
    (t) => JSON.parse(t) as Partial<CachedAdd>,
    (err: unknown) => {
      if (isErrno(err, 'ENOENT') || err instanceof SyntaxError) return undefined;
      throw err;
    },
  );
}

/**
 * What ADD leaves for DEL: the chain's result, the runtime config and the plugins it ran. Written
 * before the ADD with no result (the intent), again with it after.
 */
interface CachedAdd {
  result: Record<string, unknown> | undefined;
  runtimeConfig: object;
  chain: Array<Record<string, unknown>>;
  /** The [::1] ports the userland proxy relays to `target` (the container's address). */
  proxy?: { target: string; ports: PortMapping[] };
}

type Rule = [tool: Xtables, table: 'nat' | 'filter', chain: string, spec: string[]];

/**
 * `BERTH-FORWARD` (see ipv6-host.ts) and its jump from FORWARD. In iptables it stays when empty;
 * in ip6tables it goes with the last IPv6 network.
 */
async function ensureForwardChain(tool: Xtables): Promise<void> {
  await run(tool, ['-w', '-N', FORWARD_CHAIN]).catch(() => undefined); // exists already
  const jump = ['FORWARD', '-m', 'comment', '--comment', 'berth networks', '-j', FORWARD_CHAIN];
  const present = await run(tool, ['-w', '-C', ...jump]).then(
    () => true,
    () => false,
  );
  if (!present) await run(tool, ['-w', '-I', ...jump.slice(0, 1), '1', ...jump.slice(1)]);
}

/**
 * A network's own iptables rules, each tagged with a comment naming its bridge (so daemons
 * started over and over on fresh data roots never stack copies, and a sweep finds them).
 */
function networkRules(net: NetworkRecord, pools: BridgePool[]): Rule[] {
  return pools.flatMap((p) => familyRules(net, p));
}

/** One family's rules (iptables for IPv4, ip6tables for IPv6: the same rules, as dockerd makes them for both). */
function familyRules(net: NetworkRecord, pool: BridgePool): Rule[] {
  const br = net.BridgeName!;
  const tool: Xtables = pool.family === 4 ? 'iptables' : 'ip6tables';
  const tag = (kind: string): string[] => ['-m', 'comment', '--comment', `berth ${kind} ${br}`];
  if (net.Internal) {
    return [
      [tool, 'filter', FORWARD_CHAIN, ['-i', br, '-o', br, ...tag('forward'), '-j', 'ACCEPT']],
      [tool, 'filter', FORWARD_CHAIN, ['-i', br, '!', '-o', br, ...tag('forward'), '-j', 'DROP']],
      [tool, 'filter', FORWARD_CHAIN, ['-o', br, '!', '-i', br, ...tag('forward'), '-j', 'DROP']],
    ];
  }
  return [
    [tool, 'nat', 'POSTROUTING', ['-s', pool.subnet, '!', '-o', br, ...tag('masquerade'), '-j', 'MASQUERADE']],
    [tool, 'filter', FORWARD_CHAIN, ['-i', br, ...tag('forward'), '-j', 'ACCEPT']],
    [tool, 'filter', FORWARD_CHAIN, ['-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag('forward'), '-j', 'ACCEPT']],
    [tool, 'filter', FORWARD_CHAIN, ['-o', br, '-m', 'conntrack', '--ctstate', 'DNAT', ...tag('forward'), '-j', 'ACCEPT']],
  ];
}

/** The addresses of `ifName` in a CNI 1.0 result (interfaces + ips): its IPv4 one (empty on an IPv6-only network) and its IPv6 one. */
function parseResult(result: Record<string, unknown>, ifName: string, pools: BridgePool[]): AttachResult {
  const ifaces = (result.interfaces ?? []) as Array<{ name: string; mac?: string; sandbox?: string }>;
  const ips = (result.ips ?? []) as Array<{ address: string; gateway?: string; interface?: number }>;
  const idx = ifaces.findIndex((i) => i.name === ifName && i.sandbox);
  const mine = ips.filter((i) => i.interface === undefined || i.interface === idx);
  if (mine.length === 0) throw new Error('CNI result has no IP address');
  const of = (family: 4 | 6): InterfaceAddress | undefined => {
    const ip = mine.find((i) => i.address.includes(':') === (family === 6));
    if (ip === undefined) return undefined;
    const [addr, len] = ip.address.split('/');
    return { ip: addr!, prefixLen: Number(len), gateway: ip.gateway ?? pools.find((p) => p.family === family)?.gateway ?? '' };
  };
  const v6 = of(6);
  return { ...(of(4) ?? { ip: '', prefixLen: 0, gateway: '' }), mac: ifaces[idx]?.mac ?? '', ...(v6 ? { ipv6: v6 } : {}) };
}

/** CNI_ARGS for ADD: a fixed MAC address (bridge's `MAC`); fixed addresses go in the conf as `args.cni.ips`. */
function cniArgs(req: AttachRequest): string | undefined {
  return req.mac ? `IgnoreUnknown=1;MAC=${req.mac}` : undefined;
}
