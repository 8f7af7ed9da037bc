import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThroughExecFifo } from './exec-fifo.js';

async function withFifo(fn: (fifo: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'exec-fifo-'));
  try {
    const fifo = join(dir, 'exec.fifo');
    execFileSync('mkfifo', [fifo]);
    await fn(fifo);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

test('a waiting writer (as runc init) is released: its byte is read, the fifo removed', async () => {
  await withFifo(async (fifo) => {
    // Like runc init: blocks opening the fifo for writing, writes "0", then goes on (exits here).
    const init = spawn('sh', ['-c', `printf 0 > '${fifo}'; echo released`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    init.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => init.on('exit', resolve));
    assert.equal(await startThroughExecFifo(fifo, init.pid!), true);
    assert.equal(await exited, 0);
    assert.equal(out.trim(), 'released');
    assert.equal(await exists(fifo), false);
  });
});

test('no fifo (not runc, or not in the created state): false, so the caller runs the runtime', async () => {
  await withFifo(async (fifo) => {
    assert.equal(await startThroughExecFifo(`${fifo}-missing`, process.pid), false);
  });
});

test('an init that died before opening the fifo: false, fifo left for the runtime to report', async () => {
  await withFifo(async (fifo) => {
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    assert.equal(await startThroughExecFifo(fifo, dead.pid!), false);
    assert.equal(await exists(fifo), true);
  });
});
