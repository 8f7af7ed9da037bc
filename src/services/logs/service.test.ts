import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ContainerRecord } from '../../core/containers.js';
import { LogService } from './service.js';

const line = (text: string): string => `2026-11-22T19:09:18.000000001+00:00 stdout F ${text}\n`;

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'berth-logsvc-'));
  const rec = {
    Id: 'c'.repeat(64),
    Config: { Labels: {}, Env: [] },
    HostConfig: { LogConfig: { Type: 'json-file', Config: {} } },
    Paths: { Bundle: dir },
  } as unknown as ContainerRecord;
  let running = true;
  const logs = new LogService({
    defaults: { Type: 'json-file', Config: {} },
    reopen: async () => undefined,
    running: () => running,
    known: () => true,
    log: () => undefined,
  });
  await writeFile(join(dir, 'container.log'), '');
  return { dir, rec, logs, exit: () => (running = false), done: () => rm(dir, { recursive: true, force: true }) };
}

test('an exit resolves only once live readers have written the last output to their clients', async () => {
  const s = await setup();
  try {
    const ac = new AbortController();
    const live = await s.logs.open(s.rec, { follow: true, tail: 0, signal: ac.signal });
    const written: string[] = [];
    // A client that takes a while to write each batch (a busy socket).
    const reader = (async () => {
      for await (const batch of live) {
        await new Promise((r) => setTimeout(r, 150));
        for (const r of batch) written.push(r.data.toString());
      }
    })();
    // The container wrote its last line and exited before the pump read it: the exit's own drain finds it.
    await appendFile(join(s.dir, 'container.log'), line('attached'));
    s.exit();
    await s.logs.exited(s.rec);
    assert.deepEqual(written, ['attached\n']);
    ac.abort();
    await reader;
  } finally {
    await s.logs.removed(s.rec.Id);
    await s.done();
  }
});

test('a reader that does not take its records does not hold the exit past its bound', async () => {
  const s = await setup();
  try {
    const live = await s.logs.open(s.rec, { follow: true, tail: 0 });
    await appendFile(join(s.dir, 'container.log'), line('never read'));
    s.exit();
    await s.logs.exited(s.rec);
    // Never iterated: its subscription goes with the container.
    assert.ok(live);
  } finally {
    await s.logs.removed(s.rec.Id);
    await s.done();
  }
});
