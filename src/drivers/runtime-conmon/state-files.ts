import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeState } from '../../core/runtime.js';
import { isErrno } from '../../lib/errdefs.js';

interface RuncState {
  init_process_pid?: number;
  init_process_start?: number | string;
  cgroup_paths?: Record<string, string>;
}

/**
 * A container's status read from runc's own files, as `runc state` works it out, without a spawn
 * (start-up checks every running container: 20 spawns cost ≈ 0.6 s on a busy 2-core host):
 * the init process gone, a zombie or another process with its pid → stopped; `exec.fifo` still
 * there → created; the freezer cgroup frozen → paused; else running. `undefined`: runc knows no
 * such container; `null`: the files do not tell (the caller asks runc).
 */
export async function stateFromFiles(runcDir: string): Promise<RuntimeState | undefined | null> {
  let s: RuncState;
  try {
    s = JSON.parse(await readFile(join(runcDir, 'state.json'), 'utf8')) as RuncState;
  } catch (err) {
    return isErrno(err, 'ENOENT') ? undefined : null;
  }
  const pid = s.init_process_pid;
  if (typeof pid !== 'number' || pid <= 0 || s.init_process_start === undefined) return null;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // `pid (comm) S ppid …`: after the last `)`, field 3 (state) is first and field 22 (starttime) the 20th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (stat === '' || fields[0] === 'Z' || fields[0] === 'X' || fields[19] !== String(s.init_process_start)) return { status: 'stopped', pid: 0 };
  if (
    await access(join(runcDir, 'exec.fifo')).then(
      () => true,
      () => false,
    )
  )
    return { status: 'created', pid };
  const freezer = s.cgroup_paths?.freezer;
  const unified = s.cgroup_paths?.[''];
  let frozen: boolean;
  if (freezer !== undefined)
    frozen = (await readFile(join(freezer, 'freezer.state'), 'utf8')).trim() !== 'THAWED'; // FROZEN, or FREEZING on the way
  else if (unified !== undefined) frozen = (await readFile(join(unified, 'cgroup.freeze'), 'utf8')).trim() === '1';
  else return null;
  return { status: frozen ? 'paused' : 'running', pid };
}
