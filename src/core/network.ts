/**
 * Networks: Docker's network records and the driver contract berth's network service uses.
 *
 * Lifecycle of a container's networking (driven by services/networks/sandbox.ts):
 *   createSandbox(id) → a fresh network namespace, bind-mounted at a stable path
 *   attach(...) once per network (eth0, eth1, …) → addresses; ports are published on the first
 *   runc joins the sandbox path; on exit: detach(...) per network, then removeSandbox(id).
 * Every step is idempotent, so a crash anywhere is repaired by running the teardown again.
 */

/** One IPAM pool, Docker's `IPAM.Config` item. */
export interface IpamPool {
  Subnet: string;
  Gateway?: string;
  IPRange?: string;
}

/** berth's record of a network, persisted as networks/<id>.json (Docker's inspect shape, mostly). */
export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  /** `bridge` (CNI), `host` or `null` (the two built-in pseudo networks). */
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv6: boolean;
  /** API 1.48; absent in records made before it (IPv4 on). false: an IPv6-only network. */
  EnableIPv4?: boolean;
  /** IPv4 and IPv6 pools (the first of each family is the one the bridge uses). */
  IPAM: { Driver: 'default'; Options: Record<string, string> | null; Config: IpamPool[] };
  Internal: boolean;
  Attachable: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** The Linux bridge this network uses (bridge driver only). */
  BridgeName?: string;
}

/** A published port: Docker's PortBinding resolved to a concrete host port. */
export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** A container's endpoint on one network (Docker's EndpointSettings, the fields berth fills). */
/** The addresses a container asked for on one network (`--ip`, `--ip6`, `--link-local-ip`). */
export interface EndpointIpam {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
}

export interface EndpointSettings {
  IPAMConfig?: EndpointIpam | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  MacAddress: string;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  /** The interface inside the container (eth0, eth1, …); berth's own. */
  IfName?: string;
}

/** One address of an interface with its prefix length and the route's gateway. */
export interface InterfaceAddress {
  ip: string;
  prefixLen: number;
  gateway: string;
}

/** What `attach` reports: the interface's addresses as CNI's result gives them (v4 empty on an IPv6-only network). */
export interface AttachResult extends InterfaceAddress {
  mac: string;
  ipv6?: InterfaceAddress;
}

export interface AttachRequest {
  network: NetworkRecord;
  containerId: string;
  netnsPath: string;
  ifName: string;
  /** Fixed addresses (`--ip`, `--ip6`), else the next free ones; extra link-local ones (`--link-local-ip`). */
  ipam?: EndpointIpam;
  ports: PortMapping[];
}

export interface DetachRequest {
  network: NetworkRecord;
  containerId: string;
  netnsPath: string;
  ifName: string;
}

/** Network namespaces that outlive the process that created them (bind mounts). */
export interface SandboxProvider {
  /**
   * Creates the namespace (with `lo` up) and returns its path. Under userns-remap it is owned by
   * a new user namespace, or by `shareUsernsOf`'s (a container sharing another's pid or ipc
   * namespace must share its user namespace too).
   */
  createSandbox(containerId: string, shareUsernsOf?: string): Promise<string>;
  /** Unmounts and removes it; a missing one is not an error. */
  removeSandbox(containerId: string): Promise<void>;
  sandboxPath(containerId: string): string;
  /** The user namespace owning the sandbox (userns-remap), for the container to join; else undefined. */
  sandboxUsernsPath(containerId: string): string | undefined;
  /** Container IDs that have a sandbox now (for reconciliation). */
  sandboxes(): Promise<string[]>;
}

/** The bridge driver: per-network host state and per-container attachments. */
export interface NetworkDriver extends SandboxProvider {
  /**
   * Creates the bridge and its address so that container starts do not pay for it. A host
   * interface by that name that the driver did not make for this network is refused
   * (InvalidArgument), never taken over; `adoptUnmarked`: the network was stored with this bridge
   * before (by a berth that did not mark its bridges).
   */
  ensureNetwork(net: NetworkRecord, opts?: { adoptUnmarked?: boolean }): Promise<void>;
  /** Removes the bridge and the rule chains that belong only to this network. */
  removeNetwork(net: NetworkRecord): Promise<void>;
  attach(req: AttachRequest): Promise<AttachResult>;
  /** Releases the address, veth and rules; succeeds when there is nothing left to release. */
  detach(req: DetachRequest): Promise<void>;
  /**
   * Releases every attachment the driver has on record for the container, an ADD cut short by a
   * crash included (the record of an attachment is written before the ADD). Returns what it
   * released ("eth0 on berth-…"); nothing when there was nothing.
   */
  detachAll(containerId: string): Promise<string[]>;
  /** Containers the driver holds attachments for (start-up: those of stopped containers are released). */
  attachedContainers(): Promise<string[]>;
  /**
   * Start-up: address leases and published-port rules of `networks` whose container `keep`
   * rejects, left by crashes or older versions with no record of them; released, and described.
   */
  releaseOrphans(networks: NetworkRecord[], keep: (containerId: string) => boolean): Promise<string[]>;
  /** Start-up: the userland proxies of running containers' [::1] ports listen again (they live in the daemon). */
  resumeProxies(keep: (containerId: string) => boolean): Promise<void>;
  /** The IPv6 prefixes on the host's own interfaces (not berth's bridges), with their interface: `fd00::/64 eth0`. */
  hostIpv6Prefixes(): Promise<Array<{ prefix: string; dev: string }>>;
  /** Host ports (`tcp/8080`) that a DNAT rule on the host sends elsewhere, whoever made it. */
  heldPorts(): Promise<Set<string>>;
}

/** `POST /networks/create` as the services take it (Docker's NetworkCreateRequest). */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  EnableIPv4?: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}
