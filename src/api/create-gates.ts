import type { EndpointConfig } from '../core/network.js';
import { invalidArgument } from '../lib/errdefs.js';
import type { ContainerCreateRequest } from './types/containers.js';
import type { NetworkConnectRequest } from './types/networks.js';
import { at } from './versions.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a `POST /containers/create` body means at API `version`, as dockerd's create handler
 * (postContainersCreate, handleMACAddressBC) reads it: fields a version did not have are reset (an
 * old client's stray value is ignored), options a version cannot express are refused with Docker's
 * messages, and fields Docker dropped at a version are ignored from it. A reset field is removed, so inspect
 * leaves it out as dockerd's omitempty does. Rewrites `body` in place;
 * returns the warnings Docker adds to the answer.
 */
export function gateCreate(body: ContainerCreateRequest, version: string): string[] {
  const hc = (isObject(body.HostConfig) ? body.HostConfig : (body.HostConfig = {})) as Json;
  const mounts = (Array.isArray(hc.Mounts) ? hc.Mounts : []).filter(isObject);
  const endpoints = isObject(body.NetworkingConfig?.EndpointsConfig) ? (body.NetworkingConfig.EndpointsConfig as Record<string, unknown>) : {};
  const endpointList = Object.values(endpoints).filter(isObject);

  if (at(version, 'kernelMemoryIgnored')) delete hc.KernelMemory;
  if (at(version, 'noKernelMemoryTCP')) delete hc.KernelMemoryTCP;
  for (const m of mounts) {
    if (!at(version, 'mountOptionsMatchType')) {
      // Not checked before 1.42: Docker drops the mismatched options rather than refuse them.
      if (m.Type !== 'volume') delete m.VolumeOptions;
      if (m.Type !== 'tmpfs') delete m.TmpfsOptions;
      continue;
    }
    for (const [field, type] of [
      ['VolumeOptions', 'volume'],
      ['BindOptions', 'bind'],
      ['TmpfsOptions', 'tmpfs'],
    ] as const) {
      if (m[field] !== undefined && m[field] !== null && m.Type !== type)
        throw invalidArgument(`${field} must not be specified on mount type "${String(m.Type)}"`);
    }
  }
  if (!at(version, 'bindCreateMountpoint')) for (const m of mounts) if (isObject(m.BindOptions)) delete m.BindOptions.CreateMountpoint;
  if (!at(version, 'createConsoleSize')) delete hc.ConsoleSize;
  if (!at(version, 'healthStartInterval') && isObject(body.Healthcheck)) delete (body.Healthcheck as Json).StartInterval;
  if (!at(version, 'readOnlyForceRecursive')) {
    for (const m of mounts) {
      if (!isObject(m.BindOptions)) continue;
      delete m.BindOptions.ReadOnlyNonRecursive;
      if (m.Type === 'bind' && m.BindOptions.ReadOnlyForceRecursive) throw invalidArgument('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    }
  }
  if (!at(version, 'multipleEndpoints') && Object.keys(endpoints).length > 1) {
    throw invalidArgument(`Container cannot be connected to network endpoints: ${Object.keys(endpoints).join(', ')}`);
  }
  if (!at(version, 'volumeSubpath') && mounts.some((m) => isObject(m.VolumeOptions) && m.VolumeOptions.Subpath)) {
    throw invalidArgument('VolumeOptions.Subpath needs API v1.45 or newer');
  }
  if (!at(version, 'gwPriority')) for (const ep of endpointList) delete ep.GwPriority;
  if (!at(version, 'imageMount') && mounts.some((m) => m.Type === 'image')) throw invalidArgument('Mount type "Image" needs API v1.48 or newer');
  return [...moveContainerMac(body, version), ...portBindings(hc, version)];
}

/** `network connect`: MacAddress counts from 1.54, GwPriority from 1.48. */
export function gateConnect(body: NetworkConnectRequest, version: string): void {
  const ep = body.EndpointConfig;
  if (!ep) return;
  if (!at(version, 'connectMacAddress')) delete ep.MacAddress;
  if (!at(version, 'gwPriority')) delete ep.GwPriority;
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
  const old = !at(version, 'endpointMacAddress');
  if (mac === '') {
    if (old) for (const ep of Object.values(body.NetworkingConfig?.EndpointsConfig ?? {})) if (ep) delete ep.MacAddress;
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

/**
 * An empty binding list for a port: before 1.53 Docker bound it on every address to a random host
 * port (and 1.52 warns that this ends); from 1.53 it is no binding at all.
 */
function portBindings(hc: Json, version: string): string[] {
  if (!isObject(hc.PortBindings)) return [];
  const bindings = hc.PortBindings;
  const empty = Object.keys(bindings).filter((p) => !Array.isArray(bindings[p]) || bindings[p].length === 0);
  if (empty.length === 0) return [];
  for (const p of empty) {
    if (at(version, 'emptyPortBindingsDropped')) delete bindings[p];
    else bindings[p] = [{ HostIp: '', HostPort: '' }];
  }
  if (!at(version, 'emptyPortBindingsWarning') || at(version, 'emptyPortBindingsDropped')) return [];
  return [`Following container port(s) have an empty list of port-bindings: ${empty.join(', ')}. Starting with API 1.53, such bindings will be discarded.`];
}
