/** Helpers for e2e tests that handle whole tar archives (save/load, cp). */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { extract } from 'tar-stream';
import { makeTar, type FixtureEntry } from '../../src/lib/archive/tar-fixture.js';
import { ROOT } from './clients.js';
import type { Daemon } from './harness.js';

export { makeTar, type FixtureEntry };

export interface TarMember {
  name: string;
  type: string;
  linkname: string;
  body: Buffer;
}

/** Every member of a tar, in order, with its content. */
export async function readTar(tar: Buffer): Promise<TarMember[]> {
  const ex = extract();
  const out: TarMember[] = [];
  const done = (async () => {
    for await (const e of ex as AsyncIterable<AsyncIterable<Buffer> & { header: { name: string; type?: string | null; linkname?: string | null } }>) {
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c);
      out.push({ name: e.header.name, type: e.header.type ?? 'file', linkname: e.header.linkname ?? '', body: Buffer.concat(chunks) });
    }
  })();
  ex.end(tar);
  await done;
  return out;
}

/** Rebuilds a tar from members (after a test changed some). */
export function writeTar(members: TarMember[]): Promise<Buffer> {
  return makeTar(
    members.map((m) => ({
      name: m.name,
      type: m.type as FixtureEntry['type'],
      linkname: m.linkname || undefined,
      body: m.type === 'file' ? m.body : undefined,
      mode: m.type === 'directory' ? 0o755 : 0o644,
    })),
  );
}

/** Runs our CLI with stdout going to a file (binary output the harness would mangle as text). */
export function berthToFile(d: Daemon, args: string[], file: string): Promise<{ code: number; stderr: string }> {
  const fd = openSync(file, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'bin', 'berth.cjs'), ...args], {
      env: { ...process.env, BERTH_HOST: `unix://${d.socket}` },
      stdio: ['ignore', fd, 'pipe'],
    });
    closeSync(fd);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Number of blobs in a daemon's content store (a failed load must not add any). */
export async function blobCount(d: Daemon): Promise<number> {
  return (await readdir(join(d.dataRoot, 'content', 'blobs', 'sha256'))).length;
}

export const readBytes = (path: string): Promise<Buffer> => readFile(path);

/** Writes `files` (relative path → text) under `dir`, making directories as needed; returns `dir` (a build context). */
export async function writeTree(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}
