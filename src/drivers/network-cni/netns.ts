import { spawn } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { pinNewNamespaces, unpinNamespace } from '../../lib/ns-pin.js';
import { run } from '../../lib/exec.js';
import type { IdRange } from '../../lib/fs/shift-ids.js';

/**
 * A persistent network namespace (lib/ns-pin.ts) with `lo` brought up by the same process inside
 * it — one spawn, ≈ 6 ms. Kept under berth's own exec root rather than /run/netns so that
 * `ip netns` users and other engines never see or reap them.
 */
export function createNetns(path: string): Promise<void> {
  return pinNewNamespaces({ net: path }, ['ip', 'link', 'set', 'lo', 'up']);
}

/** Unmounts (lazily when busy) and removes the namespace file; a missing one is fine. */
export const removeNetns = unpinNamespace;

const mapLines = (m: readonly IdRange[]): string => m.map((r) => `${r.containerID} ${r.hostID} ${r.size}\n`).join('');

/**
 * userns-remap: a network namespace owned by a persistent user namespace with the remap's id
 * maps (both bind-mounted: `path`, `usernsPath`). The container's runc joins that user
 * namespace, so its root holds capabilities over its own network (raw sockets, sysfs, net.*
 * sysctls, `exec`). util-linux's `--map-users` needs newuidmap, so berthd writes the maps itself
 * into a helper that waits in the new namespaces, and brings `lo` up from the host's side.
 * With `join`, the helper enters that existing user namespace instead of making one.
 */
export async function createNetnsInUserns(
  path: string,
  usernsPath: string,
  map: { uids: readonly IdRange[]; gids: readonly IdRange[]; join?: string },
): Promise<void> {
  await (await open(path, 'wx', 0o444)).close();
  await (await open(usernsPath, 'wx', 0o444)).close().catch(async (err) => {
    await removeNetns(path);
    throw err;
  });
  // `join`: enter that user namespace (as its root) and make only the network namespace.
  const wait = ['sh', '-c', 'echo ready; exec sleep 600'];
  const helper = map.join
    ? spawn('nsenter', [`--user=${map.join}`, '--', 'unshare', '--net', '--', ...wait], { stdio: ['ignore', 'pipe', 'ignore'] })
    : spawn('unshare', ['--user', '--net', '--', ...wait], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve, reject) => {
      helper.once('error', reject);
      helper.once('exit', (code) => reject(new Error(`unshare exited (${code}) before the namespaces were ready`)));
      helper.stdout!.once('data', () => resolve());
    });
    // nsenter execs unshare, which execs sh: the same pid throughout.
    const pid = helper.pid!;
    if (!map.join) {
      await writeFile(`/proc/${pid}/uid_map`, mapLines(map.uids));
      await writeFile(`/proc/${pid}/gid_map`, mapLines(map.gids));
    }
    await run('mount', ['--bind', `/proc/${pid}/ns/user`, usernsPath]);
    await run('mount', ['--bind', `/proc/${pid}/ns/net`, path]);
    await run('nsenter', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await removeNetns(path);
    await removeNetns(usernsPath);
    throw err;
  } finally {
    helper.kill('SIGKILL');
  }
}
