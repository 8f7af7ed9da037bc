import type { ContainerRecord } from '../../core/containers.js';
import type { NetworkRecord } from '../../core/network.js';
import type { NetworkResource } from '../types/networks.js';

/** A network as Docker's API shows it; `Containers` lists the running endpoints (inspect only). */
export function toNetwork(n: NetworkRecord, containers: ContainerRecord[] = []): NetworkResource {
  const members: NetworkResource['Containers'] = {};
  for (const c of containers) {
    if (c.State.Status !== 'running' && c.State.Status !== 'paused') continue;
    const ep = Object.values(c.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === n.Id);
    if (ep === undefined) continue;
    members[c.Id] = {
      Name: c.Name,
      EndpointID: ep.EndpointID,
      MacAddress: ep.MacAddress,
      IPv4Address: ep.IPAddress ? `${ep.IPAddress}/${ep.IPPrefixLen}` : '',
      IPv6Address: ep.GlobalIPv6Address ? `${ep.GlobalIPv6Address}/${ep.GlobalIPv6PrefixLen}` : '',
    };
  }
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: n.Scope,
    Driver: n.Driver,
    EnableIPv4: n.EnableIPv4 !== false,
    EnableIPv6: n.EnableIPv6,
    IPAM: { Driver: n.IPAM.Driver, Options: n.IPAM.Options, Config: n.IPAM.Config.map((c) => ({ ...c })) },
    Internal: n.Internal,
    Attachable: n.Attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: members,
    Options: n.Options,
    Labels: n.Labels,
  };
}
