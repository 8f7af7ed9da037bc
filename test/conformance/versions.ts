/**
 * The API versions the conformance suites pin their clients to, and what Docker's recorded answers
 * (docker-shapes.json, Docker 20.10: API 1.41) become at another version: the fields Docker removed
 * by then leave the reference (a field added since is an extra, which a comparison allows).
 */
import { API_VERSION } from '../../src/api/types/version.js';
import { at, type Feature } from '../../src/api/versions.js';
import type { JsonType, Shape } from './shape.js';

/** A 1.24-era version, the version the recording speaks, and the newest. */
export const PINNED = ['1.25', '1.41', API_VERSION] as const;

/** The API version of the recorded Docker engine (its maximum). */
export const RECORDED_VERSION = '1.41';

/** Top-level JSON paths (of an inspect's first element) that a feature removes; `image` ones only from an image's inspect. */
const REMOVED: Array<[Feature, string[], 'image'?]> = [
  ['kernelMemoryOmitted', ['HostConfig.KernelMemory', 'HostConfig.KernelMemoryTCP']],
  ['noVirtualSize', ['VirtualSize']],
  ['noImageContainerConfig', ['Container', 'ContainerConfig']],
  [
    'noLegacyNetworkSettings',
    [
      'Bridge',
      'HairpinMode',
      'LinkLocalIPv6Address',
      'LinkLocalIPv6PrefixLen',
      'SecondaryIPAddresses',
      'SecondaryIPv6Addresses',
      'EndpointID',
      'Gateway',
      'GlobalIPv6Address',
      'GlobalIPv6PrefixLen',
      'IPAddress',
      'IPPrefixLen',
      'IPv6Gateway',
      'MacAddress',
    ].map((f) => `NetworkSettings.${f}`),
  ],
  ['noEmptyOnBuild', ['Config.OnBuild']],
  [
    'imageConfigOnly',
    ['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image'].map((f) => `Config.${f}`),
    'image',
  ],
  // Left out when empty: the recording's busybox images have them empty.
  [
    'imageInspectOmitEmpty',
    [
      'Parent',
      'Comment',
      'DockerVersion',
      'Author',
      ...['Cmd', 'Entrypoint', 'Env', 'Labels', 'OnBuild', 'User', 'Volumes', 'WorkingDir'].map((f) => `Config.${f}`),
    ],
    'image',
  ],
];

const isEmptyValue = (v: unknown): boolean => v === '' || v === null || (Array.isArray(v) && v.length === 0);

/** An image inspect (not a container's): it has RootFS. */
const isImage = (item: JsonType): boolean => typeof item === 'object' && item !== null && !Array.isArray(item) && 'RootFS' in item;

function drop(skeleton: JsonType, path: string[]): void {
  if (typeof skeleton !== 'object' || Array.isArray(skeleton) || path.length === 0) return;
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) delete skeleton[head];
  else drop(skeleton[head]!, rest);
}

/** The recorded Docker answer as Docker's API would give it at `version` (the client pinned there). */
export function referenceAt(shape: Shape, version: string): Shape {
  const out = JSON.parse(JSON.stringify(shape)) as Shape;
  const items = Array.isArray(out.stdout) ? out.stdout : [];
  for (const [feature, paths, only] of REMOVED) {
    if (!at(version, feature)) continue;
    for (const item of items) if (only !== 'image' || isImage(item as JsonType)) for (const p of paths) drop(item as JsonType, p.split('.'));
    // A chosen value of a removed field is no longer compared when Docker's was empty (what the version leaves out).
    const first = items[0] as JsonType | undefined;
    if (out.values && first !== undefined && (only !== 'image' || isImage(first))) {
      for (const p of paths) if (isEmptyValue(out.values[`0.${p}`])) delete out.values[`0.${p}`];
    }
  }
  return out;
}
