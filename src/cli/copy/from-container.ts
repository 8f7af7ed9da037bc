import { lstat, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extractLayer } from '../../lib/archive/extract.js';
import { appendTar, rebaseName } from '../../lib/archive/rebase.js';
import { tarWriter } from '../../lib/archive/tar-writer.js';
import { goModeIsDir, goModeIsSymlink } from '../../lib/go/file-mode.js';
import { engine } from '../endpoint/context.js';
import { StatusError } from '../exit/errors.js';
import { assertsDirectory, lastElement, parentPath } from './paths.js';

export interface CopyFlags {
  archive: boolean;
  followLink: boolean;
}

/**
 * `cp CONTAINER:SRC DEST`: the daemon sends SRC as a tar whose top entry is SRC's last element;
 * like the docker CLI's CopyTo, that entry is renamed to DEST's last element when DEST does not
 * exist or is a file, and extracted into DEST when it is a directory. `-` writes the tar to stdout.
 */
export async function copyFromContainer(container: string, src: string, dest: string, flags: CopyFlags): Promise<void> {
  let srcPath = src;
  let rebase: string | undefined;
  if (flags.followLink) {
    const st = await engine().containerStatPath(container, src);
    if (st !== undefined && goModeIsSymlink(st.mode)) {
      srcPath = assertsDirectory(src) ? `${st.linkTarget}/.` : st.linkTarget;
      if (lastElement(srcPath) !== lastElement(src)) rebase = lastElement(src);
    }
  }
  const { stat, stream } = await engine().containerArchive(container, srcPath);
  if (dest === '-') {
    await pipeline(stream, process.stdout, { end: false });
    return;
  }
  const srcIsDir = goModeIsDir(stat.mode);
  const srcBase = lastElement(srcPath);
  const dst = await stat_(dest);
  let into: string;
  let newBase = rebase ?? srcBase;
  if (dst?.isDirectory()) {
    into = dest;
  } else if (dst !== undefined) {
    if (srcIsDir) throw new StatusError(1, 'cannot copy directory');
    into = parentPath(dest);
    newBase = lastElement(dest);
  } else {
    if (assertsDirectory(dest) && !srcIsDir) throw new StatusError(1, 'no such directory');
    into = parentPath(dest);
    if ((await stat_(into)) === undefined) throw new StatusError(1, `lstat ${into}: no such file or directory`);
    newBase = lastElement(dest);
  }
  await extractRenamed(stream, into, srcBase, newBase, flags.archive);
}

async function extractRenamed(tar: Readable, into: string, from: string, to: string, keepOwners: boolean): Promise<void> {
  const w = tarWriter();
  const rename = from === to ? (n: string) => n : rebaseName(from, to);
  const copying = appendTar(w, tar, rename).then(
    () => w.finish(),
    (err: Error) => {
      w.fail(err);
      throw err;
    },
  );
  const owner = keepOwners ? undefined : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  await Promise.all([extractLayer(w.stream, into, { whiteouts: 'none', owner, noOverwriteDirNonDir: true }), copying]);
}

/** stat following symlinks (a destination that is a link to a directory is that directory); undefined if missing. */
async function stat_(p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await stat(p);
  } catch {
    return (await lstat(p).catch(() => undefined)) ?? undefined;
  }
}
