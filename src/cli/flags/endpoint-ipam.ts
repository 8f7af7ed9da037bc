import type { EndpointIpam } from '../../core/network.js';

/** `--ip`, `--ip6`, `--link-local-ip` of `run`/`create` and `network connect`. */
export interface EndpointFlags {
  ip?: string;
  ip6?: string;
  linkLocalIp?: string[];
}

/** The endpoint's IPAMConfig as the docker CLI sends it: null when no address was asked for. */
export function endpointIpam(f: EndpointFlags): EndpointIpam | null {
  if (!f.ip && !f.ip6 && !f.linkLocalIp?.length) return null;
  return {
    ...(f.ip ? { IPv4Address: f.ip } : {}),
    ...(f.ip6 ? { IPv6Address: f.ip6 } : {}),
    ...(f.linkLocalIp?.length ? { LinkLocalIPs: f.linkLocalIp } : {}),
  };
}
