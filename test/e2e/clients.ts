/**
 * How e2e tests talk to a daemon: run a client program (docker, berth) to completion, or make a
 * raw Engine API request over the unix socket.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file runs from dist/test/e2e/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  /** Default 30 s; on timeout the program is killed and the result has code 124 (as timeout(1)). */
  timeoutMs?: number;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body as text. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Runs a docker SDK scenario given as Python lines, with `docker` imported and `c` a client of the
 * daemon at `socket`; two minutes to finish.
 */
export function runPython(socket: string, lines: string[]): Promise<RunResult> {
  const program = ['import docker', `c = docker.DockerClient(base_url="unix://${socket}")`, ...lines];
  return runProgram('python3', ['-c', program.join('\n')], process.env, { timeoutMs: 120_000 });
}

/** Runs a program to completion; resolves (never rejects) whatever its exit code; 128+N when killed by signal N. */
export function runProgram(file: string, args: string[], env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString() + (timedOut ? `\n[harness: ${file} ${args.join(' ')} timed out]` : '');
      const killed = signal === null ? 1 : 128 + constants.signals[signal];
      resolveRun({ code: timedOut ? 124 : (code ?? killed), stdout: Buffer.concat(out).toString(), stderr });
    });
    child.stdin.on('error', () => undefined); // the program may exit without reading its input
    child.stdin.end(opts.input);
  });
}

/** An HTTP request over a unix socket. A Buffer or string body is sent as is, anything else as JSON. */
export function apiRequest(socket: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  let payload: Buffer | undefined;
  const h: Record<string, string> = { ...headers };
  if (Buffer.isBuffer(body)) payload = body;
  else if (typeof body === 'string') payload = Buffer.from(body);
  else if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body));
    h['Content-Type'] ??= 'application/json';
  }
  if (payload !== undefined) {
    h['Content-Type'] ??= 'application/json';
    h['Content-Length'] = String(payload.length);
  }
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers: h, timeout: 30_000 }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('error', rej);
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        res({ status: r.statusCode ?? 0, headers: r.headers, body: text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', rej);
    req.end(payload);
  });
}
