import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What a plugin is told through the environment (CNI spec, "Parameters"). */
export interface CniCall {
  command: 'ADD' | 'DEL' | 'CHECK' | 'VERSION';
  containerId: string;
  netns: string;
  ifName: string;
  /** `K=V;K2=V2` (CNI_ARGS), e.g. `IgnoreUnknown=1;IP=10.0.0.5`. */
  args?: string;
}

/** A plugin's error result (`{"code", "msg", "details"}`) as a thrown Error. */
export class CniError extends Error {
  constructor(
    readonly plugin: string,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
    this.name = 'CniError';
  }
}

/**
 * Runs one CNI plugin binary: config on stdin, parameters in the environment, result JSON on
 * stdout. Exit status 0 = success (DEL may print nothing); otherwise stdout carries the error.
 */
export function invokePlugin(pluginDir: string, type: string, call: CniCall, config: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(pluginDir, type), [], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        CNI_COMMAND: call.command,
        CNI_CONTAINERID: call.containerId,
        CNI_NETNS: call.netns,
        CNI_IFNAME: call.ifName,
        CNI_PATH: pluginDir,
        ...(call.args ? { CNI_ARGS: call.args } : {}),
      },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString().trim();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { msg: text };
      }
      if (code === 0) return resolve(parsed);
      const msg = String(parsed.msg ?? (Buffer.concat(err).toString().trim() || `exit status ${code}`));
      const details = parsed.details ? `: ${String(parsed.details)}` : '';
      reject(new CniError(type, Number(parsed.code ?? code), `plugin type="${type}" failed (${call.command.toLowerCase()}): ${msg}${details}`));
    });
    child.stdin.end(JSON.stringify(config));
  });
}
