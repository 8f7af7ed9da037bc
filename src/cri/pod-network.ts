import { createHash } from 'node:crypto';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkDriver, NetworkRecord, PortMapping } from '../core/network.js';
import { readJsonIfExists, writeJsonAtomic } from '../lib/atomic-file.js';
import { conflict, invalidArgument, unavailable } from '../lib/errdefs.js';
import { nowRfc3339Nano } from '../lib/time.js';
import type { AddressPool } from '../services/networks/deps.js';
import { allocateSubnet, cidrString, overlaps, parseCidr, type Cidr } from '../services/networks/subnets.js';

/** The pod CIDR before the kubelet gives one (CRI-O's default pod network), unless a berth network has it: then one from the address pools. */
const DEFAULT_POD_CIDR = '10.85.0.0/16';

/** The CNI plugins a pod's network is made of. */
const PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];

export interface PodNetworkOptions {
  /** The bridge driver (CNI) of the CRI's own: its sandboxes, leases and results apart from the containers'. */
  driver: NetworkDriver;
  /** `<data-root>/cri/network.json`: the network's record (its subnet is the pod CIDR). */
  file: string;
  /** The bridge's name (one per daemon). */
  bridge: string;
  /** Where the default pod CIDR comes from when CRI-O's is taken by one of berth's networks: the daemon's address pools, clear of them. */
  pools: AddressPool[];
  usedSubnets: () => string[];
  pluginDir: string;
  log: (msg: string) => void;
}

/**
 * The pods' network: one bridge network on the standard CNI plugins, as berth's own networks are,
 * whose subnet is the kubelet's pod CIDR (UpdateRuntimeConfig), else CRI-O's default 10.85.0.0/16
 * (or one drawn from the daemon's address pools when a berth network has that). It is not one of berth's Docker networks (`docker network ls` does not list it,
 * start-up's network reconcile does not reap its pods), and its records live under the CRI's root.
 */
export class PodNetwork {
  private net?: NetworkRecord;
  private ensured?: Promise<NetworkRecord>;
  /** A pod CIDR given while pods were on the old one (kept in `<file>.pending`). */
  private pending?: string;

  private constructor(private readonly o: PodNetworkOptions) {}

  static async open(o: PodNetworkOptions): Promise<PodNetwork> {
    const n = new PodNetwork(o);
    n.net = await readJsonIfExists<NetworkRecord>(o.file);
    n.pending = (await readJsonIfExists<{ podCidr: string }>(`${o.file}.pending`))?.podCidr;
    return n;
  }

  /** The pod CIDR in use (or to be used by the next sandbox). */
  get cidr(): string | undefined {
    return this.net?.IPAM.Config[0]?.Subnet;
  }

  /** Whether pods can get a network: the CNI plugins are there and the network can be made. */
  async ready(): Promise<{ ok: boolean; message: string }> {
    for (const p of PLUGINS) {
      const found = await access(join(this.o.pluginDir, p)).then(
        () => true,
        () => false,
      );
      if (!found) return { ok: false, message: `CNI plugin ${p} not found in ${this.o.pluginDir}` };
    }
    if (this.net === undefined && this.defaultSubnet() === undefined)
      return { ok: false, message: 'no pod CIDR: none given and the address pools are used up' };
    return { ok: true, message: '' };
  }

  /**
   * `UpdateRuntimeConfig`'s pod CIDR: the network's subnet from now on. While pods are on the old
   * one (`inUse`) it stays; the change waits for the next sandbox after they are gone.
   */
  async setCidr(cidr: string, inUse: boolean): Promise<void> {
    const c = parseCidr(cidr);
    if (c.family !== 4) throw invalidArgument(`pod CIDR ${cidr}: only IPv4 pod networks are supported`);
    const subnet = cidrString(c);
    if (this.cidr === subnet) {
      if (this.pending !== undefined) await rm(`${this.o.file}.pending`, { force: true });
      this.pending = undefined;
      return;
    }
    if (inUse) {
      this.o.log(`cri: pod CIDR ${subnet} is used once the pods on ${this.cidr} are gone`);
      await writeJsonAtomic(`${this.o.file}.pending`, { podCidr: subnet });
      this.pending = subnet;
      return;
    }
    await this.replace(subnet);
  }

  private async replace(subnet: string): Promise<void> {
    if (this.net !== undefined) await this.o.driver.removeNetwork(this.net);
    this.ensured = undefined;
    this.net = record(this.o.bridge, subnet);
    await writeJsonAtomic(this.o.file, this.net);
    this.pending = undefined;
    await rm(`${this.o.file}.pending`, { force: true });
  }

  private defaultSubnet(): Cidr | undefined {
    const used = this.o.usedSubnets().flatMap((s) => {
      try {
        return [parseCidr(s)];
      } catch {
        return [];
      }
    });
    const preferred = parseCidr(DEFAULT_POD_CIDR);
    return used.some((u) => overlaps(u, preferred)) ? allocateSubnet(this.o.pools, used) : preferred;
  }

  /** The network with its bridge up (made once per daemon run); `idle`: no pod is on it, so a pending CIDR may apply. */
  async ensure(idle: boolean): Promise<NetworkRecord> {
    if (idle && this.pending !== undefined) await this.replace(this.pending);
    if (this.net === undefined) {
      const c = this.defaultSubnet();
      if (c === undefined) throw unavailable('no pod CIDR: none given (UpdateRuntimeConfig) and the address pools are used up');
      this.net = record(this.o.bridge, cidrString(c));
      await writeJsonAtomic(this.o.file, this.net);
    }
    const net = this.net;
    this.ensured ??= this.o.driver.ensureNetwork(net).then(() => net);
    this.ensured.catch(() => (this.ensured = undefined));
    return this.ensured;
  }

  /** A new network namespace at `<netns-dir>/<id>`, attached as eth0 with the pod's host ports; its path and address. */
  async attach(id: string, ports: PortMapping[], idle: boolean): Promise<{ netns: string; ip: string }> {
    const net = await this.ensure(idle);
    // A host port another pod or a container publishes (a DNAT rule on the host, whoever made it) is refused, not shadowed.
    const held = ports.length > 0 ? await this.o.driver.heldPorts() : new Set<string>();
    const taken = ports.find((p) => held.has(`${p.protocol}/${p.hostPort}`));
    if (taken !== undefined) throw conflict(`Bind for ${taken.hostIp}:${taken.hostPort} failed: port is already allocated`);
    await this.o.driver.removeSandbox(id);
    const netns = await this.o.driver.createSandbox(id);
    try {
      const r = await this.o.driver.attach({ network: net, containerId: id, netnsPath: netns, ifName: 'eth0', defaultRoute: true, ports });
      return { netns, ip: r.ip };
    } catch (err) {
      await this.detach(id);
      throw err;
    }
  }

  /** CNI DEL of the pod's attachment and its namespace; idempotent. */
  async detach(id: string): Promise<void> {
    await this.o.driver.detachAll(id).catch((err: Error) => this.o.log(`cri: network teardown of pod ${id.slice(0, 12)}: ${err.message}`));
    await this.o.driver.removeSandbox(id);
  }

  /** Start-up: attachments and namespaces of pods that are not ready any more. */
  async releaseExcept(keep: (id: string) => boolean): Promise<void> {
    for (const id of new Set([...(await this.o.driver.sandboxes()), ...(await this.o.driver.attachedContainers())])) {
      if (!keep(id)) await this.detach(id);
    }
    if (this.net !== undefined) await this.o.driver.releaseOrphans([this.net], keep);
    await this.o.driver.resumeProxies(keep);
  }
}

function record(bridge: string, subnet: string): NetworkRecord {
  return {
    Name: 'cri',
    Id: createHash('sha256').update(`berth-cri:${bridge}`).digest('hex'),
    Created: nowRfc3339Nano(),
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [{ Subnet: subnet }] },
    Internal: false,
    Attachable: false,
    Options: {},
    Labels: {},
    BridgeName: bridge,
  };
}
