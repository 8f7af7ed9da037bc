import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { detectCompression, looksLikeTar } from '../../../lib/archive/decompress.js';
import { packDir } from '../../../lib/archive/pack-dir.js';
import { tarWriter } from '../../../lib/archive/tar-writer.js';
import { contextFilter, parseIgnoreFile } from '../../../lib/dockerignore.js';
import { StatusError } from '../../exit/errors.js';

export interface PackedContext {
  tar: Buffer;
  /** The Dockerfile's path inside the context (the `dockerfile` query parameter). */
  dockerfile: string;
}

async function readAllStream(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const randomName = (): string => `.dockerfile.${randomBytes(10).toString('hex')}`;

/**
 * The build context as the docker CLI sends it: a directory packed with `.dockerignore` (or
 * `<Dockerfile>.dockerignore` beside the Dockerfile) applied, the Dockerfile and the ignore file
 * always included; a Dockerfile outside the context or on stdin (`-f -`) is added under a random
 * name. `-` as the context is a tar on stdin, or a lone Dockerfile.
 */
export async function packContext(contextArg: string, dockerfileFlag: string | undefined, stdin: Readable): Promise<PackedContext> {
  if (contextArg === '-') {
    const data = await readAllStream(stdin);
    const head = data.subarray(0, 512);
    if (detectCompression(head) !== 'none' || looksLikeTar(head)) return { tar: data, dockerfile: dockerfileFlag ?? 'Dockerfile' };
    return { tar: await tarOf([['Dockerfile', data]]), dockerfile: 'Dockerfile' };
  }
  const dir = resolve(contextArg);
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new StatusError(1, `unable to prepare context: path "${contextArg}" not found`);
  let extra: [string, Buffer] | undefined;
  let dockerfile = 'Dockerfile';
  let dockerfileHost = join(dir, 'Dockerfile');
  if (dockerfileFlag === '-') {
    extra = [randomName(), await readAllStream(stdin)];
    dockerfile = extra[0];
  } else if (dockerfileFlag !== undefined) {
    dockerfileHost = isAbsolute(dockerfileFlag) ? dockerfileFlag : resolve(dockerfileFlag);
    const rel = relative(dir, dockerfileHost);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      const data = await readFile(dockerfileHost).catch(() => {
        throw new StatusError(
          1,
          `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dockerfileHost}: no such file or directory`,
        );
      });
      extra = [randomName(), data];
      dockerfile = extra[0];
    } else dockerfile = rel;
  }
  if (extra === undefined && !(await stat(dockerfileHost).catch(() => undefined))) {
    throw new StatusError(1, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dockerfileHost}: no such file or directory`);
  }
  const ignoreText =
    (await readFile(`${dockerfileHost}.dockerignore`, 'utf8').catch(() => undefined)) ?? (await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => ''));
  const filter = contextFilter(parseIgnoreFile(ignoreText), extra ? ['.dockerignore'] : [dockerfile, '.dockerignore', `${dockerfile}.dockerignore`]);
  // A Dockerfile from elsewhere goes in under its random name, and (as the docker CLI does) that
  // name is appended to the context's .dockerignore so that the daemon drops it after reading it.
  const { stream, done } = packDir(dir, { exclude: (rel) => (extra !== undefined && rel === '.dockerignore') || filter.prunes(rel) });
  let tar = await readAllStream(stream);
  await done;
  if (extra !== undefined) {
    const own = await readFile(join(dir, '.dockerignore')).catch(() => Buffer.alloc(0));
    tar = await appendEntries(tar, [['.dockerignore', Buffer.concat([own, Buffer.from(`\n${extra[0]}\n`)])], extra]);
  }
  return { tar, dockerfile };
}

async function tarOf(entries: Array<[string, Buffer]>): Promise<Buffer> {
  const tw = tarWriter();
  const collected = readAllStream(tw.stream);
  for (const [name, data] of entries) await tw.addBuffer(name, data, { mode: 0o600 });
  tw.finish();
  return collected;
}

/** Adds files to a finished tar: its two closing zero blocks are replaced by the new entries' archive. */
async function appendEntries(tar: Buffer, entries: Array<[string, Buffer]>): Promise<Buffer> {
  let end = tar.length;
  while (end >= 512 && tar.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return Buffer.concat([tar.subarray(0, end), await tarOf(entries)]);
}
