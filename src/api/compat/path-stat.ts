import { goFileMode } from '../../lib/go/file-mode.js';
import type { PathStat } from '../../services/containers/archive.js';
import type { ContainerPathStat } from '../types/containers.js';

export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

export function toPathStat(s: PathStat): ContainerPathStat {
  return { name: s.name, size: s.size, mode: goFileMode(s.mode), mtime: s.mtime.toISOString(), linkTarget: s.linkTarget };
}

/** The header's value: base64 of the JSON, as Docker sends it. */
export function encodePathStat(s: PathStat): string {
  return Buffer.from(JSON.stringify(toPathStat(s))).toString('base64');
}
