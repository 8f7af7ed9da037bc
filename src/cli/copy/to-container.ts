import { lstat, stat } from 'node:fs/promises';
import { packPath } from '../../lib/archive/pack-path.js';
import { tarWriter } from '../../lib/archive/tar-writer.js';
import { goModeIsDir, goModeIsSymlink } from '../../lib/go/file-mode.js';
import { engine } from '../endpoint/context.js';
import { StatusError } from '../exit/errors.js';
import type { CopyFlags } from './from-container.js';
import { assertsDirectory, lastElement, parentPath } from './paths.js';

/**
 * `cp SRC CONTAINER:DEST`: SRC is packed under the name it should have in the container, then
 * extracted by the daemon into a directory: DEST itself when it is one, else DEST's parent with
 * the top entry named after DEST (the docker CLI's PrepareArchiveCopy). `-` sends stdin's tar
 * into DEST, which must be a directory.
 */
export async function copyToContainer(src: string, container: string, dest: string, flags: CopyFlags): Promise<void> {
  const query = { copyUIDGID: flags.archive || undefined, noOverwriteDirNonDir: true };
  let dstPath = dest;
  let dst = await engine().containerStatPath(container, dest);
  if (dst !== undefined && goModeIsSymlink(dst.mode)) {
    dstPath = dst.linkTarget;
    dst = await engine().containerStatPath(container, dstPath);
  }
  if (src === '-') {
    if (dst === undefined || !goModeIsDir(dst.mode)) throw new StatusError(1, `destination "${container}:${dest}" must be a directory`);
    await engine().containerPutArchive(container, dstPath, process.stdin, query);
    return;
  }
  const st = await (flags.followLink ? stat(src) : lstat(src)).catch((err: NodeJS.ErrnoException) => {
    throw new StatusError(1, `lstat ${src}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
  });
  if (assertsDirectory(src) && !st.isDirectory()) throw new StatusError(1, `lstat ${src}: not a directory`);
  let into = dstPath;
  let name = lastElement(src);
  if (dst === undefined || !goModeIsDir(dst.mode)) {
    if (dst !== undefined && st.isDirectory()) throw new StatusError(1, 'cannot copy directory');
    if (dst === undefined && assertsDirectory(dest) && !st.isDirectory()) throw new StatusError(1, 'no such directory');
    into = parentPath(dstPath);
    name = lastElement(dstPath);
  }
  const w = tarWriter();
  // `dir/.` packs dir itself (its contents land in the destination); otherwise the named entry.
  const base = lastElement(src);
  const dir = base === '.' ? src.replace(/\/\.$/, '') || '/' : parentPath(src);
  const entry = base === '.' || base === '/' ? '' : base;
  const packing = packPath(w, dir, entry, st, name).then(
    () => w.finish(),
    (err: Error) => {
      w.fail(err);
      throw err;
    },
  );
  await Promise.all([engine().containerPutArchive(container, into, w.stream, query), packing]);
}
