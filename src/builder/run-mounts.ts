import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { MountSpec } from '../core/containers.js';
import { invalidArgument, isKind } from '../lib/errdefs.js';
import type { RunMount } from '../lib/dockerfile/run-mount.js';
import { lstatScoped, resolveInRoot } from '../lib/fs/scoped-path.js';
import { copyInto } from './copy.js';
import { fromImage } from './copy-step.js';
import { mountImageRoot } from './image-root.js';
import { digestSources, resolveSources } from './sources.js';
import type { BuildRun } from './state.js';

/** Where a step's secret files live while it runs: a tmpfs, so a secret never touches the disk. */
const SECRETS_TMPFS = '/dev/shm';

/** The mounts of one RUN step, ready for its container, and what undoes them. */
export interface PreparedRunMounts {
  mounts: MountSpec[];
  /** `env=` secrets: `NAME=value` for the step's environment only. */
  env: string[];
  release(): Promise<void>;
}

/**
 * What the mounts add to the step's cache key: the mounts as written, the content of context
 * binds and the image of stage binds. Never a secret's value: BuildKit does not rebuild a step
 * because a secret changed.
 */
export async function runMountsKey(run: BuildRun, mounts: RunMount[]): Promise<string> {
  if (mounts.length === 0) return '';
  const parts: string[] = [];
  for (const m of mounts) {
    let content = '';
    if (m.type === 'bind' && m.from === undefined) content = await digestSources(await resolveSources(run.opts.context, [m.source ?? '.'], 'RUN'));
    else if ((m.type === 'bind' || m.type === 'cache') && m.from !== undefined) content = (await fromImage(run, m.from)).id ?? m.from;
    parts.push(JSON.stringify({ ...m, content }));
  }
  return `\nmounts ${parts.join('\n')}`;
}

/** Sets up every mount of a RUN step; on failure what was set up is undone. */
export async function prepareRunMounts(run: BuildRun, mounts: RunMount[], argv: string[]): Promise<PreparedRunMounts> {
  const undo: Array<() => Promise<void> | void> = [];
  const release = async (): Promise<void> => {
    for (const u of undo.splice(0).reverse()) await Promise.resolve(u()).catch(() => undefined);
  };
  const out: PreparedRunMounts = { mounts: [], env: [], release };
  try {
    for (const m of mounts) {
      const spec = await prepareOne(run, m, argv, undo, out.env);
      if (spec !== undefined) out.mounts.push(spec);
    }
  } catch (err) {
    await release();
    throw err;
  }
  return out;
}

async function prepareOne(run: BuildRun, m: RunMount, argv: string[], undo: Array<() => Promise<void> | void>, env: string[]): Promise<MountSpec | undefined> {
  switch (m.type) {
    case 'tmpfs':
      return { Type: 'tmpfs', Target: m.target, ...(m.size ? { TmpfsOptions: { SizeBytes: m.size } } : {}) };
    case 'cache': {
      if (m.from !== undefined) throw invalidArgument('RUN --mount=type=cache: from= is not supported by berth');
      const held = await run.deps.cache.mounts.acquire(m.id ?? m.target, {
        sharing: m.sharing,
        mode: m.mode,
        uid: m.uid,
        gid: m.gid,
        description: `cached mount ${m.target} from exec ${argv.join(' ')}`,
      });
      undo.push(() => held.release());
      return { Type: 'bind', Source: held.path, Target: m.target, ReadOnly: m.readOnly };
    }
    case 'bind': {
      const source = await bindSource(run, m, undo);
      return { Type: 'bind', Source: source, Target: m.target, ReadOnly: m.readOnly };
    }
    case 'secret':
      return secretMount(run, m, undo, env);
    case 'ssh':
      return sshMount(run, m, undo, env);
  }
}

/** A bind's source: a copy of part of the context, or a path in a stage's or an image's mounted filesystem (writes are thrown away with it). */
async function bindSource(run: BuildRun, m: RunMount, undo: Array<() => Promise<void> | void>): Promise<string> {
  const src = m.source ?? '.';
  if (m.from === undefined) {
    const dir = await mkdtemp(join(run.deps.scratch, 'build-bind-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const sources = await resolveSources(run.opts.context, [src], 'RUN');
    await copyInto(dir, sources, { dest: '/', owner: { uid: 0, gid: 0 } });
    const s = sources[0]!;
    return s.isDir ? dir : join(dir, s.name);
  }
  const root = await mountImageRoot(run, await fromImage(run, m.from));
  undo.push(() => root.release());
  const sp = await resolveInRoot(root.dir, posix.normalize(`/${src}`), true);
  try {
    if ((await lstatScoped(sp).catch(() => undefined)) === undefined)
      throw invalidArgument(`failed to compute cache key: "${posix.normalize(`/${src}`)}": not found`);
    return join(root.dir, sp.resolved);
  } finally {
    await sp.close();
  }
}

async function secretMount(run: BuildRun, m: RunMount, undo: Array<() => Promise<void> | void>, env: string[]): Promise<MountSpec | undefined> {
  const id = m.id!;
  const value = await run.opts.session!.secret(id);
  if (value === undefined) {
    if (m.required) throw invalidArgument(`secret ${id}: not found`);
    return undefined;
  }
  if (m.env !== undefined) env.push(`${m.env}=${value.toString('utf8')}`);
  if (m.target === '') return undefined;
  const dir = await mkdtemp(join(SECRETS_TMPFS, 'berth-secret-'));
  undo.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'secret');
  await writeFile(file, value, { mode: 0o600, flag: 'wx' });
  await chown(file, m.uid ?? 0, m.gid ?? 0);
  await chmod(file, m.mode ?? 0o400);
  return { Type: 'bind', Source: file, Target: m.target, ReadOnly: true };
}

/**
 * The client's SSH agent at the mount's target (a socket, `mode` 0600 and `uid`/`gid` 0 unless
 * given); the step's SSH_AUTH_SOCK names the first one. An agent the client does not forward
 * skips the mount unless it is `required`, as in BuildKit.
 */
async function sshMount(run: BuildRun, m: RunMount, undo: Array<() => Promise<void> | void>, env: string[]): Promise<MountSpec | undefined> {
  let agent: { path: string; close(): Promise<void> };
  try {
    agent = await run.opts.session!.sshAgent(m.id ?? 'default');
  } catch (err) {
    if (isKind(err, 'NotFound') && !m.required) return undefined;
    throw err;
  }
  undo.push(() => agent.close());
  await chown(agent.path, m.uid ?? 0, m.gid ?? 0);
  await chmod(agent.path, m.mode ?? 0o600);
  if (!env.some((e) => e.startsWith('SSH_AUTH_SOCK='))) env.push(`SSH_AUTH_SOCK=${m.target}`);
  return { Type: 'bind', Source: agent.path, Target: m.target, ReadOnly: false };
}
