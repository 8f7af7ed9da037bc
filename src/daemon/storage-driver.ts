import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshotter } from '../core/snapshots.js';
import { isErrno } from '../lib/errdefs.js';
import { OverlaySnapshotter, overlaySupported } from '../drivers/snapshots-overlay/overlay.js';
import { VfsSnapshotter } from '../drivers/snapshots-vfs/vfs.js';
import { mkdirp, writeFileAtomic } from '../lib/atomic-file.js';

type Driver = 'overlayfs' | 'vfs';

/**
 * Opens the data root's snapshotter. The storage driver never changes by itself (Docker keeps the
 * driver it finds in use): the first start picks one (`--storage-driver`, else overlayfs when a
 * probe mount works, else vfs) and records it in `snapshots/driver`; every later start uses the
 * recorded driver. A probe that fails then (a full disk cannot even make the probe's directories)
 * is logged, never acted on — switching would hide every image and container, and containers
 * created on the other driver would break at the next normal start. A `--storage-driver` that
 * differs from the recorded one refuses the start. Data roots from before the record: `snapshots/l`
 * (overlay's short links) says overlayfs, layers without it vfs.
 */
export async function openSnapshotter(dataRoot: string, chosen: Driver | undefined, log: (msg: string) => void): Promise<Snapshotter> {
  const root = join(dataRoot, 'snapshots');
  await mkdirp(root);
  const file = join(root, 'driver');
  const recorded = (await readRecorded(file)) ?? (await inferred(root));
  if (chosen !== undefined && recorded !== undefined && chosen !== recorded) {
    throw new Error(
      `--storage-driver ${chosen}: this data root's images and containers are stored by ${recorded} (${file}); berthd does not switch storage drivers: start with --storage-driver ${recorded}, or use another --data-root`,
    );
  }
  let driver = chosen ?? recorded;
  if (driver === undefined) {
    driver = (await overlaySupported(root)) ? 'overlayfs' : 'vfs';
    if (driver === 'vfs') log('storage driver: vfs (overlayfs unavailable)');
  } else if (driver === 'overlayfs' && recorded !== undefined && !(await overlaySupported(root))) {
    log(
      `WARNING: storage driver overlayfs: a probe mount failed (a full disk, or overlayfs gone from the kernel); keeping overlayfs, the data root's driver (berthd never switches by itself)`,
    );
  } else if (driver === 'vfs') log('storage driver: vfs');
  if ((await readRecorded(file)) !== driver) {
    await writeFileAtomic(file, `${driver}\n`).catch((err: Error) =>
      log(`WARNING: cannot record the storage driver in ${file} (recorded at a later start): ${err.message}`),
    );
  }
  return driver === 'overlayfs' ? OverlaySnapshotter.open(root) : VfsSnapshotter.open(root);
}

async function readRecorded(file: string): Promise<Driver | undefined> {
  try {
    const name = (await readFile(file, 'utf8')).trim();
    if (name === 'overlayfs' || name === 'vfs') return name;
    throw new Error(`${file}: unknown storage driver "${name}"`);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** The driver of a data root written before drivers were recorded (undefined: a fresh root). */
async function inferred(root: string): Promise<Driver | undefined> {
  if (
    await access(join(root, 'l')).then(
      () => true,
      () => false,
    )
  )
    return 'overlayfs';
  const layers = await readdir(join(root, 'layers')).catch(() => []);
  return layers.some((n) => !n.startsWith('.')) ? 'vfs' : undefined;
}
