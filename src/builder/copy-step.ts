import { baseImage } from './base-image.js';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidArgument } from '../lib/errdefs.js';
import { detectCompression, looksLikeTar } from '../lib/archive/decompress.js';
import { hexOf, type Digest } from '../lib/digest.js';
import { DEFAULT_SHELL } from '../lib/dockerfile/apply-config.js';
import { expandWord } from '../lib/dockerfile/expand.js';
import type { Instruction } from '../lib/dockerfile/instructions.js';
import { timed } from '../lib/phase-timer.js';
import { fetchStream } from '../lib/fetch-url.js';
import { resolveUser } from '../services/containers/spec/user.js';
import { cacheKey } from './cache.js';
import { copyInto, writtenFiles } from './copy.js';
import { fromCache, finishStep } from './cache-step.js';
import { hostSourceFs, readHead, type SourceEntry, type SourceFs } from './source-fs.js';
import { digestSources, excludeFromSources, resolveSources, type ResolvedSource } from './sources.js';
import { stageLookup, type BuildRun, type StageState } from './state.js';
import { mountImageRoot } from './image-root.js';
import { stepImageOf, withScratchSnapshot, writeStepImage, type StepImage } from './step-image.js';

type CopyInstruction = Extract<Instruction, { kind: 'copy' | 'add' }>;

/**
 * COPY and ADD: sources from the context, a stage or an image (`--from`), here-documents, and
 * for ADD local archives (extracted) and URLs. The cache key includes the sources' content digest.
 */
export async function copyStep(run: BuildRun, st: StageState, ins: CopyInstruction): Promise<void> {
  const x = (w: string): string => expandWord(w, stageLookup(st), run.escape);
  const CMD = ins.kind.toUpperCase();
  const from = ins.flags.from !== undefined ? x(ins.flags.from) : undefined;
  if (from !== undefined && ins.kind === 'add') throw invalidArgument('ADD does not support the --from flag');
  const chown = ins.flags.chown !== undefined ? x(ins.flags.chown) : undefined;
  const chmod = ins.flags.chmod !== undefined ? parseChmod(x(ins.flags.chmod)) : undefined;
  checkBuildkitFlags(run, ins);
  const parents = ins.flags.parents === 'true';
  const checksum = ins.flags.checksum !== undefined ? x(ins.flags.checksum) : undefined;
  const rawDest = ins.json ? ins.dest : x(ins.dest);
  const dest = rawDest.startsWith('/') ? rawDest : posix.join(st.config.WorkingDir || '/', rawDest) + (/\/\.?$/.test(rawDest) || rawDest === '.' ? '/' : '');

  await withSourceRoot(run, from, async (root, fromId) => {
    const sources: ResolvedSource[] = [];
    for (const src of ins.sources) {
      const heredoc = /^<<-?["']?([A-Za-z_][A-Za-z0-9_]*)["']?$/.exec(src);
      const h = heredoc ? ins.heredocs.find((d) => d.name === heredoc[1]) : undefined;
      if (h !== undefined) {
        const content = Buffer.from(h.expand ? x(h.content) : h.content);
        sources.push({ name: h.name, isDir: false, entries: [{ rel: '', content, mode: 0o644, kind: 'file', mtime: new Date(0), size: content.length }] });
      } else if (ins.kind === 'add' && /^https?:\/\//.test(src)) {
        sources.push(await download(run, x(src), checksum));
      } else {
        if (checksum !== undefined) throw invalidArgument("checksum can't be specified for non-HTTP(S) sources");
        const written = ins.json ? src : x(src);
        const resolved = excludeFromSources(await resolveSources(root, [written], CMD), ins.excludes.map(x));
        if (ins.kind === 'add') for (const r of resolved) if (!r.isDir && r.entries[0]!.kind === 'file' && (await isArchive(r.entries[0]!))) r.archive = true;
        if (parents) for (const r of resolved) r.path = belowPivot(written, r.path ?? '');
        sources.push(...resolved);
      }
    }
    const digest = await timed(`build: ${CMD} digest`, () => digestSources(sources));
    const key = cacheKey(st.image.id ?? '', `${CMD} ${JSON.stringify({ dest, chown, chmod, fromId, ...(parents ? { parents } : {}) })}`, digest);
    const what = sources.length === 1 && !sources[0]!.isDir ? 'file' : sources.length === 1 ? 'dir' : 'multi';
    const createdBy = [...(st.config.Shell ?? DEFAULT_SHELL), `#(nop) ${CMD} ${what}:${hexOf(digest as Digest)} in ${dest} `].join(' ');
    if (await fromCache(run, st, key, { createdBy, config: st.config })) return;
    const written = writtenFiles();
    const layer = await timed(`build: ${CMD} layer`, () =>
      withScratchSnapshot(
        run.deps.images,
        run.deps.scratch,
        st.image,
        async (rootfs) => {
          const owner = chown === undefined ? { uid: 0, gid: 0 } : await resolveUser(rootfs, chown.includes(':') ? chown : `${chown}:${chown}`);
          const opts = { dest, owner: { uid: owner.uid, gid: owner.gid }, chmod, written };
          if (!parents) await copyInto(rootfs, sources, opts);
          // --parents: each source keeps its path (below a `/./` pivot) under the destination directory.
          else
            for (const s of sources)
              await copyInto(rootfs, [s], { ...opts, dest: posix.join(dest, s.isDir ? (s.path ?? '') : posix.dirname(s.path ?? s.name)) + '/' });
        },
        written.files,
      ),
    );
    await finishStep(run, st, key, await writeStepImage(run.deps.images, st.image, st.config, createdBy, layer, st.author));
  });
}

const BUILDKIT_ONLY = ['parents', 'exclude', 'checksum', 'keep-git-dir'];

/** The classic builder refuses BuildKit's COPY/ADD flags, as Docker's does. */
function checkBuildkitFlags(run: BuildRun, ins: CopyInstruction): void {
  if (run.opts.buildkit === true) return;
  const flag = BUILDKIT_ONLY.find((f) => ins.flags[f] !== undefined);
  if (flag !== undefined)
    throw invalidArgument(
      `the --${flag} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`,
    );
}

/** A source's path for --parents: below the `/./` pivot written in the source, if any, else its whole path. */
function belowPivot(written: string, path: string): string {
  const i = written.indexOf('/./');
  if (i < 0) return path;
  const pivot = posix.normalize(`/${written.slice(0, i)}`).slice(1);
  return pivot !== '' && path.startsWith(`${pivot}/`) ? path.slice(pivot.length + 1) : path;
}

function parseChmod(s: string): number {
  if (!/^[0-7]{3,4}$/.test(s)) throw invalidArgument(`invalid chmod parameter: ${s}`);
  return parseInt(s, 8);
}

/** The root to read sources from: the context, or a mounted copy of a stage's or an image's filesystem. */
async function withSourceRoot(run: BuildRun, from: string | undefined, fn: (root: SourceFs, fromId: string) => Promise<void>): Promise<void> {
  if (from === undefined) return fn(run.opts.context, '');
  const img = await fromImage(run, from);
  const root = await mountImageRoot(run, img);
  try {
    await fn(hostSourceFs(root.dir), img.id ?? '');
  } finally {
    await root.release();
  }
}

/** A `--from` value: an earlier stage (by name or index), else an image. */
export async function fromImage(run: BuildRun, from: string): Promise<StepImage> {
  const ref = from.toLowerCase();
  const stage = /^\d+$/.test(ref) ? run.stages[Number(ref)] : run.stages.find((s) => s.name === ref);
  if (stage !== undefined) {
    const result = run.results.get(stage.index);
    if (result === undefined) throw invalidArgument(`invalid from flag value ${from}: stage ${from} is not built before this one`);
    return result;
  }
  // The classic builder takes local images only; a BuildKit build pulls one as it does a FROM.
  if (run.opts.session === undefined && run.deps.images.images.resolve(from) === undefined)
    throw invalidArgument(`invalid from flag value ${from}: pull access denied for ${from}, repository does not exist or may require 'docker login'`);
  return stepImageOf(run.deps.images, await baseImage(run, from));
}

async function isArchive(e: SourceEntry): Promise<boolean> {
  const h = await readHead(e, 512);
  return detectCompression(h) !== 'none' || looksLikeTar(h);
}

/** ADD <url>: the body, saved as a file named after the URL's last path component (mode 0600). */
async function download(run: BuildRun, url: string, checksum?: string): Promise<ResolvedSource> {
  if (checksum !== undefined && !/^sha256:[0-9a-f]{64}$/.test(checksum)) throw invalidArgument(`invalid checksum digest format: ${checksum}`);
  const dir = await mkdtemp(join(run.deps.scratch, 'build-download-'));
  run.cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'data');
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(await fetchStream(url), tap, createWriteStream(file));
  // ADD --checksum: BuildKit's http source refuses a body of another digest.
  const got = `sha256:${hash.digest('hex')}`;
  if (checksum !== undefined && got !== checksum) throw invalidArgument(`digest mismatch ${checksum}: ${got}`);
  const st = await stat(file);
  const name = basename(new URL(url).pathname) || 'index.html';
  return { name, isDir: false, entries: [{ rel: '', hostPath: file, mode: 0o600, kind: 'file', mtime: st.mtime, size: st.size }] };
}
