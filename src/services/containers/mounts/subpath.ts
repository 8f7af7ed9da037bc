import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { invalidArgument, isErrno } from '../../../lib/errdefs.js';
import { run } from '../../../lib/exec.js';
import { isMountPoint } from '../../../lib/fs/mounts.js';
import { fdPath, O_PATH, openAt, resolveInRoot, ScopedPathError } from '../../../lib/fs/scoped-path.js';
import { mkdirp } from '../../../lib/atomic-file.js';

/**
 * Binds `sub` (relative, inside `root`: a volume's data or an image's view) at `at`, resolved the
 * way the container would see it — symlinks stay inside `root` — and pinned by fd before the
 * bind, so a container sharing the volume cannot swap a component for a symlink to the host
 * between the check and the mount (Docker's safepath.Join). A file is bound on a file.
 * A no-op when `at` is mounted already.
 */
export async function pinSubpath(root: string, sub: string, at: string): Promise<void> {
  if (await isMountPoint(at)) return;
  const inaccessible = (why: string): Error => invalidArgument(`cannot access path ${join(root, sub)}: ${why}`);
  const sp = await resolveInRoot(root, sub, true).catch((err) => {
    throw err instanceof ScopedPathError ? inaccessible(err.message.slice(err.path.length + 2)) : err;
  });
  try {
    const fh = await openAt(sp.dir, sp.name, O_PATH).catch((err) => {
      throw isErrno(err, 'ENOENT') ? inaccessible('no such file or directory') : err;
    });
    try {
      await mkdirp(dirname(at), 0o700);
      if ((await fh.stat()).isDirectory()) await mkdirp(at, 0o755);
      else await writeFile(at, '', { flag: 'a', mode: 0o644 });
      // The pinned object itself (its /proc fd link), not the path again: --no-canonicalize keeps mount from resolving it to a name.
      await run('mount', ['--no-canonicalize', '--bind', fdPath(fh), at]);
    } finally {
      await fh.close();
    }
  } finally {
    await sp.close();
  }
}
