import { existsSync } from 'node:fs';
import { invalidArgument } from '../../../lib/errdefs.js';
import type { SpecOption } from './types.js';

/** Where Docker puts its init inside the container. */
export const INIT_PATH = '/sbin/docker-init';

/**
 * Host init binaries berth can use, in order: Docker's (tini-static), Debian tini's static build,
 * podman's catatonit. Only static ones: the init runs on the image's libc, or on none (busybox).
 */
const CANDIDATES = ['/usr/bin/docker-init', '/usr/bin/tini-static', '/usr/libexec/podman/catatonit', '/usr/bin/catatonit'];

let found: string | null | undefined;
function hostInit(): string | undefined {
  found ??= CANDIDATES.find((p) => existsSync(p)) ?? null;
  return found ?? undefined;
}

/**
 * `--init`: bind-mounts a host init (tini or catatonit) read-only at /sbin/docker-init and runs
 * the command under it (`docker-init -- cmd…`), so zombies are reaped and signals forwarded.
 * `findInit` is injectable for tests; by default the host is searched once.
 */
export function initOption(findInit: () => string | undefined = hostInit): SpecOption {
  return (spec, ctx) => {
    if (ctx.record.HostConfig.Init !== true) return;
    const source = findInit();
    if (source === undefined) throw invalidArgument('--init: no init binary found on the host (install the tini package)');
    (spec.mounts ??= []).push({ destination: INIT_PATH, type: 'bind', source, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    const process = (spec.process ??= { user: { uid: 0, gid: 0 }, cwd: '/' });
    process.args = [INIT_PATH, '--', ...(process.args ?? [])];
  };
}

export const withInit: SpecOption = initOption();
