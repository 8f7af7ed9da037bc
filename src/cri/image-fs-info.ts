import { dirUsage } from '../lib/fs/du.js';
import type { CriDeps } from './deps.js';

/** How long one measurement of the image filesystem serves (the kubelet asks every few seconds). */
export const FRESH_MS = 10_000;

export interface FsUsage {
  timestamp: number;
  fs_id: { mountpoint: string };
  used_bytes: { value: number };
  inodes_used: { value: number };
}

let last: { dir: string; at: number; usage: Promise<FsUsage> } | undefined;

/** `ImageFsInfo`: bytes and inodes of the unpacked layers (the snapshots directory), measured at most every 10 s. */
export async function imageFsInfo(deps: Pick<CriDeps, 'imageFs'>): Promise<{ image_filesystems: FsUsage[]; container_filesystems: FsUsage[] }> {
  if (last === undefined || last.dir !== deps.imageFs || Date.now() - last.at > FRESH_MS) {
    const usage = dirUsage(deps.imageFs).then(({ bytes, inodes }) => ({
      timestamp: Date.now() * 1e6,
      fs_id: { mountpoint: deps.imageFs },
      used_bytes: { value: bytes },
      inodes_used: { value: inodes },
    }));
    last = { dir: deps.imageFs, at: Date.now(), usage };
    usage.catch(() => (last = undefined));
  }
  return { image_filesystems: [await last.usage], container_filesystems: [] };
}
