import type { MountSpec } from '../core/containers.js';
import type { ImageRuntimeConfig } from '../core/images.js';
import { BerthError } from '../lib/errdefs.js';
import type { Digest } from '../lib/digest.js';
import { createContainer } from '../services/containers/create.js';
import { startContainer } from '../services/containers/start.js';
import { removeContainer } from '../services/containers/remove.js';
import { BUILD_STEP_LABEL } from '../services/containers/build-step.js';
import { commitContainer } from '../services/images/commit.js';
import type { BuilderDeps } from './deps.js';
import type { StepImage } from './step-image.js';
import { crashPoint } from '../lib/crash-point.js';
import { timed } from '../lib/phase-timer.js';

export interface RunStep {
  parent: StepImage & { id: Digest };
  argv: string[];
  /** Build args passed to the command (not kept in the image). */
  env: string[];
  /** The config the new image gets (the parent's, unchanged by RUN). */
  config: ImageRuntimeConfig;
  networkMode?: string;
  extraHosts?: string[];
  /** Remove the container after success (`rm`) / also after failure (`forcerm`). */
  rm: boolean;
  forceRm: boolean;
  author?: string;
  /** `NAME=value` of `env=` secrets: the command sees them, the image's `container_config` does not. */
  secretEnv?: string[];
  /** `RUN --mount`s, prepared (HostConfig.Mounts of the step's container). */
  mounts?: MountSpec[];
  /** Takes the removal of a successful step's container, for the caller to wait for later (the next step need not). */
  deferRemoval?: (removal: Promise<void>) => void;
}

/**
 * RUN: a container from the parent image (its user, env, workdir; the image's ENTRYPOINT is not
 * used) created, started and waited for through the same services as `docker run`; its output
 * streamed (to `log`; the builder's own lines to `out`); on success its changes committed as the
 * step's image. A failed command leaves no container behind unless `rm` was turned off.
 */
export async function runStep(deps: BuilderDeps, step: RunStep, out: (text: string) => void, log = out): Promise<Digest> {
  const { Id } = await createContainer(deps.containers, {
    // Labelled when it is to be removed: a crash of the build leaves it to start-up to remove.
    config: {
      Image: step.parent.id,
      Cmd: step.argv,
      Entrypoint: [''],
      Env: [...step.env, ...(step.secretEnv ?? [])],
      ...(step.rm || step.forceRm ? { Labels: { [BUILD_STEP_LABEL]: 'true' } } : {}),
    },
    hostConfig: {
      NetworkMode: step.networkMode ?? '',
      ...(step.extraHosts?.length ? { ExtraHosts: step.extraHosts } : {}),
      ...(step.mounts?.length ? { Mounts: step.mounts } : {}),
    },
  });
  out(` ---> Running in ${Id.slice(0, 12)}\n`);
  let ok = false;
  try {
    const exited = deps.containers.waiters.nextExit(Id);
    const rec = deps.containers.store.get(Id);
    await startContainer(deps.containers, Id);
    crashPoint('build:run');
    for await (const batch of deps.containers.logs.read(rec, { follow: true, done: exited.then(() => undefined) })) {
      // Docker's build stream marks what a step writes to stderr in bright red (BuildKit's progress turns it back into stream 2).
      for (const r of batch) log(r.stream === 'stderr' ? `\x1b[91m${r.data.toString()}\x1b[0m` : r.data.toString());
    }
    const code = await exited;
    if (code !== 0) {
      throw new BerthError('Internal', `The command '${step.argv.join(' ')}' returned a non-zero code: ${code}`, { exitCode: code });
    }
    const c = step.config;
    const id = await timed(`build: commit ${Id.slice(0, 12)}`, () =>
      commitContainer(deps.images, {
        container: Id,
        pause: false,
        ...(step.secretEnv?.length ? { containerConfigEnv: step.env } : {}),
        ...(step.author ? { author: step.author } : {}),
        ...(step.mounts?.length ? { mountPoints: step.mounts.flatMap((m) => m.Target ?? []) } : {}),
        // Every field explicitly: the container's own (RUN's Cmd, build-arg Env) must not leak into the image.
        config: {
          ...c,
          User: c.User,
          ExposedPorts: c.ExposedPorts,
          Env: c.Env ?? [],
          Cmd: c.Cmd ?? null,
          Volumes: c.Volumes,
          WorkingDir: c.WorkingDir ?? '',
          Entrypoint: c.Entrypoint ?? null,
          Labels: c.Labels ?? null,
          StopSignal: c.StopSignal,
        },
      }),
    );
    ok = true;
    return id;
  } finally {
    if (step.rm || step.forceRm) {
      const removal = removeContainer(deps.containers, Id, { force: true }).catch(() => undefined);
      if (ok && step.deferRemoval !== undefined) step.deferRemoval(removal);
      else await removal;
      if (ok) out(` ---> Removed intermediate container ${Id.slice(0, 12)}\n`);
    }
  }
}
