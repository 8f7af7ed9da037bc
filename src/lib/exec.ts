import { execFile } from 'node:child_process';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a helper program (runc, mount, mknod, …) and resolves with its output, or rejects with
 * an Error whose message carries the program's own stderr — that text is what users need.
 */
export function run(file: string, args: string[], opts: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || stdout || err.message).toString().trim();
        reject(Object.assign(new Error(`${file} ${args[0] ?? ''}: ${detail}`), { exitCode: err.code, stderr, stdout }));
      } else {
        resolve({ stdout: stdout.toString(), stderr: stderr.toString() });
      }
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
