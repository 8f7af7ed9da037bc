import { invalidArgument } from '../lib/errdefs.js';
import type { ContainerCreateRequest } from './types/containers.js';
import { at } from './versions.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What a `POST /containers/create` body means at API `version`, as dockerd's create handler reads
 * it: fields a version did not have are reset (an old client's stray value is ignored), options a
 * version cannot express are refused with Docker's messages, and fields Docker dropped at a version
 * are ignored from it. Rewrites `body` in place; returns the warnings Docker adds to the answer.
 */
export function applyCreateVersion(body: ContainerCreateRequest, version: string): string[] {
  const hc = (isObject(body.HostConfig) ? body.HostConfig : {}) as Json;
  const mounts = (Array.isArray(hc.Mounts) ? hc.Mounts : []).filter(isObject);
  const endpoints = isObject(body.NetworkingConfig?.EndpointsConfig) ? (body.NetworkingConfig.EndpointsConfig as Record<string, unknown>) : {};
  const endpointList = Object.values(endpoints).filter(isObject);
  const warnings: string[] = [];

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
  if (!at(version, 'readOnlyForceRecursive') && mounts.some((m) => m.Type === 'bind' && isObject(m.BindOptions) && m.BindOptions.ReadOnlyForceRecursive)) {
    throw invalidArgument('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
  }
  if (!at(version, 'multipleEndpoints') && Object.keys(endpoints).length > 1) {
    throw invalidArgument(`Container cannot be created with multiple network endpoints: ${Object.keys(endpoints).join(', ')}`);
  }
  if (!at(version, 'endpointMacAddress')) for (const ep of endpointList) delete ep.MacAddress;
  if (!at(version, 'volumeSubpath') && mounts.some((m) => isObject(m.VolumeOptions) && m.VolumeOptions.Subpath)) {
    throw invalidArgument('VolumeOptions.Subpath needs API v1.45 or newer');
  }
  if (!at(version, 'gwPriority')) for (const ep of endpointList) delete ep.GwPriority;
  if (!at(version, 'imageMount') && mounts.some((m) => m.Type === 'image')) throw invalidArgument('Mount type "Image" needs API v1.48 or newer');
  warnings.push(...portBindings(hc, version));
  return warnings;
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
