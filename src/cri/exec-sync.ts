import { status as GrpcStatus } from '@grpc/grpc-js';
import { createExec } from '../services/containers/exec/exec.js';
import { runExec } from '../services/containers/exec/run.js';
import { GrpcStatusError } from '../lib/grpc/services.js';
import type { CriDeps } from './deps.js';

/** Each captured stream stops at 16 MiB; the rest is discarded and the command goes on (cri-api's cap, CVE-2022-1708). */
export const EXEC_SYNC_MAX_OUTPUT = 16 * 1024 * 1024;

export interface ExecSyncRequest {
  container_id: string;
  cmd: string[];
  timeout: number;
}

/** Go's formatting of a whole number of seconds as a time.Duration (`1s`, `1m30s`, `2h0m0s`). */
function goSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** Output kept up to a cap; what comes after is dropped. */
class CappedBuffer {
  private readonly parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly cap: number) {}
  add(data: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) return;
    const part = data.length > room ? data.subarray(0, room) : data;
    this.parts.push(part);
    this.size += part.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * `ExecSync`: runs `cmd` in the container through berth's exec service and answers its stdout,
 * stderr and exit code. With `timeout` (seconds, 0 = none) a command still running is killed
 * (SIGKILL) and the call fails with DEADLINE_EXCEEDED once it has ended, as containerd does
 * (the kubelet reads that code as a probe timeout).
 */
export async function execSync(deps: Pick<CriDeps, 'containers'>, req: ExecSyncRequest): Promise<{ stdout: Buffer; stderr: Buffer; exit_code: number }> {
  const ex = createExec(deps.containers, req.container_id, { Cmd: req.cmd, AttachStdout: true, AttachStderr: true });
  const out = { stdout: new CappedBuffer(EXEC_SYNC_MAX_OUTPUT), stderr: new CappedBuffer(EXEC_SYNC_MAX_OUTPUT) };
  const timeout = Math.max(0, req.timeout);
  // The kubelet's probes run every few seconds: the instance goes once the command has ended.
  const end = await runExec(deps.containers, ex.ID, { timeoutMs: timeout * 1000, onOutput: (stream, data) => out[stream].add(data) }).finally(() =>
    deps.containers.execs.remove(ex.ID),
  );
  if (end.timedOut) throw new GrpcStatusError(GrpcStatus.DEADLINE_EXCEEDED, `timeout ${goSeconds(timeout)} exceeded: context deadline exceeded`);
  return { stdout: out.stdout.bytes(), stderr: out.stderr.bytes(), exit_code: end.exitCode };
}
