import type { HostConfig } from '../core/containers.js';
import type { EndpointConfig } from '../core/network.js';
import { invalidArgument } from '../lib/errdefs.js';
import type { ContainerCreateRequest } from './types/containers.js';
import type { NetworkConnectRequest } from './types/networks.js';
import { at } from './versions.js';

/**
 * What a create or connect body means at the client's API version (dockerd's
 * postContainersCreate and handleMACAddressBC): fields a version did not have are dropped, or
 * refused where dropping them would change what the client asked for. Mutates the body; returns
 * Docker's warnings.
 */
export function gateCreate(body: ContainerCreateRequest, version: string): string[] {
  const hc: HostConfig = (body.HostConfig ??= {});
  const mounts = hc.Mounts ?? [];
  const endpoints = body.NetworkingConfig?.EndpointsConfig ?? {};
  if (!at(version, 'bindCreateMountpoint')) for (const m of mounts) if (m.BindOptions) m.BindOptions.CreateMountpoint = false;
  if (!at(version, 'createEndpointsAndHealthStart')) {
    if (body.Healthcheck) body.Healthcheck.StartInterval = 0;
    for (const m of mounts) {
      if (!m.BindOptions) continue;
      m.BindOptions.ReadOnlyNonRecursive = false;
      if (m.BindOptions.ReadOnlyForceRecursive) throw invalidArgument('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    }
    const names = Object.keys(endpoints);
    if (names.length > 1) throw invalidArgument(`Container cannot be connected to network endpoints: ${names.join(', ')}`);
  }
  if (!at(version, 'volumeSubpath') && mounts.some((m) => m.VolumeOptions?.Subpath)) throw invalidArgument('VolumeOptions.Subpath needs API v1.45 or newer');
  if (!at(version, 'imageMountsAndGwPriority')) {
    if (mounts.some((m) => m.Type === 'image')) throw invalidArgument('Mount type "Image" needs API v1.48 or newer');
    for (const ep of Object.values(endpoints)) if (ep) ep.GwPriority = 0;
  }
  return moveContainerMac(body, version);
}

/** `network connect`: MacAddress counts from 1.54, GwPriority from 1.48. */
export function gateConnect(body: NetworkConnectRequest, version: string): void {
  const ep = body.EndpointConfig;
  if (!ep) return;
  if (!at(version, 'connectMacAddress')) delete ep.MacAddress;
  if (!at(version, 'imageMountsAndGwPriority')) ep.GwPriority = 0;
}

const MAC_NETWORK_MODE = 'conflicting options: mac-address and the network mode';

/**
 * The container-wide `Config.MacAddress` (deprecated by 1.44) moves to the network mode's
 * endpoint; before 1.44 an endpoint's own MacAddress did not exist and is dropped.
 */
function moveContainerMac(body: ContainerCreateRequest, version: string): string[] {
  const mac = body.MacAddress ?? '';
  delete body.MacAddress;
  const mode = body.HostConfig?.NetworkMode || 'default';
  const bridgeOrUser = !['host', 'none'].includes(mode) && !mode.startsWith('container:');
  const old = !at(version, 'createEndpointsAndHealthStart');
  if (mac === '') {
    if (old) for (const ep of Object.values(body.NetworkingConfig?.EndpointsConfig ?? {})) if (ep) ep.MacAddress = '';
    return [];
  }
  if (!bridgeOrUser) {
    if (old) throw invalidArgument(MAC_NETWORK_MODE);
  } else {
    const ep = modeEndpoint(body, mode);
    if (old || !ep.MacAddress) ep.MacAddress = mac;
    else if (ep.MacAddress !== mac) {
      throw invalidArgument('the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty');
    }
  }
  return old ? [] : ['The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.'];
}

/** dockerd's epConfigForNetMode: the network mode's endpoint settings, made when there are none. */
function modeEndpoint(body: ContainerCreateRequest, name: string): EndpointConfig {
  const nc = (body.NetworkingConfig ??= {});
  const eps = (nc.EndpointsConfig ??= {});
  if (Object.keys(eps).length === 0) return (eps[name] = {});
  if (!(name in eps)) throw invalidArgument('HostConfig.NetworkMode must match the identity of a network in NetworkSettings.Networks');
  return (eps[name] ??= {});
}
