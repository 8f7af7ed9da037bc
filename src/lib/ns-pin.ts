import { lstat, open, rm } from 'node:fs/promises';
import { isErrno } from './errdefs.js';
import { run } from './exec.js';

/** Namespace kinds util-linux's `unshare` can pin to a file (`--net=FILE`, …). */
export type PinnedKind = 'net' | 'ipc' | 'uts';

/**
 * New namespaces that outlive the process that made them: each file is created empty and
 * `unshare --<kind>=FILE` bind-mounts the new namespace over it (util-linux does the
 * `mount --bind /proc/<pid>/ns/<kind> FILE`); `command` runs once inside them all (bring `lo` up,
 * set the hostname) — one spawn. On failure nothing is left behind.
 */
export async function pinNewNamespaces(pins: Partial<Record<PinnedKind, string>>, command: string[]): Promise<void> {
  const entries = Object.entries(pins) as Array<[PinnedKind, string]>;
  const made: string[] = [];
  try {
    for (const [, path] of entries) {
      await (await open(path, 'wx', 0o444)).close();
      made.push(path);
    }
    await run('unshare', [...entries.map(([kind, path]) => `--${kind}=${path}`), '--', ...command]);
  } catch (err) {
    for (const path of made) await unpinNamespace(path);
    throw err;
  }
}

/** Unmounts (lazily when busy) and removes a pinned namespace's file; a missing one is fine. */
export async function unpinNamespace(path: string): Promise<void> {
  // Nothing there (the common case: a clean stop already removed it): no umount spawns.
  const st = await lstat(path).catch((err: unknown) => {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  });
  if (st === null) return;
  await run('umount', [path]).catch(() => run('umount', ['-l', path]).catch(() => undefined));
  await rm(path, { force: true }).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
}
