import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeJsonLine, parseJsonLine } from '../../lib/logs/json-file.js';
import type { LogRecord } from '../../lib/logs/k8s-file.js';
import { LogPump } from './pump.js';
import { LogView } from './view.js';

const k8s = (i: number, flag = 'F', text = `line ${i}`): string => `2026-11-22T19:09:18.${String(i).padStart(9, '0')}+00:00 stdout ${flag} ${text}\n`;

async function setup(opts: { maxSize?: number; maxFile?: number; running?: () => boolean; trimAt?: number; reopen?: () => Promise<void> } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-pump-'));
  const capture = join(dir, 'container.log');
  const viewPath = join(dir, 'x-json.log');
  const make = (): LogPump => {
    const view = new LogView(
      viewPath,
      { driver: 'json-file', maxSize: opts.maxSize, maxFile: opts.maxFile ?? 1, compress: false },
      { encode: (r, plain) => encodeJsonLine(r, '', plain), parse: parseJsonLine },
    );
    return new LogPump({
      capture,
      statePath: join(dir, 'log-state.json'),
      view,
      reopen: opts.reopen ?? (async () => undefined),
      running: opts.running ?? (() => false),
      log: () => undefined,
      ...(opts.trimAt ? { trimAt: opts.trimAt } : {}),
    });
  };
  const viewLogs = async (): Promise<string[]> => {
    const names = (await readdir(dir))
      .filter((f) => f.startsWith('x-json.log'))
      .sort((a, b) => (b.split('.')[2] ?? '0').localeCompare(a.split('.')[2] ?? '0', undefined, { numeric: true }));
    const out: string[] = [];
    for (const n of names) for (const l of (await readFile(join(dir, n), 'utf8')).split('\n')) if (l) out.push((JSON.parse(l) as { log: string }).log);
    return out;
  };
  return { dir, capture, viewPath, make, viewLogs, done: () => rm(dir, { recursive: true, force: true }) };
}

test('a new pump resumes where the last recorded one stopped: nothing lost, nothing twice', async () => {
  const s = await setup();
  try {
    await writeFile(s.capture, k8s(0) + k8s(1));
    const a = s.make();
    await a.sync();
    await a.close();
    // A crash after a write to the view that was never recorded, while the container went on.
    await appendFile(s.viewPath, '{"log":"unrecorded\\n","stream":"stdout","time":"2026-11-22T19:09:18Z"}\n');
    await appendFile(s.capture, k8s(2));
    const b = s.make();
    await b.sync();
    await b.close();
    assert.deepEqual(await s.viewLogs(), ['line 0\n', 'line 1\n', 'line 2\n']);
  } finally {
    await s.done();
  }
});

test('partial records are joined into one line; a trailing run waits unless the container stopped', async () => {
  let running = true;
  const s = await setup({ running: () => running });
  try {
    await writeFile(s.capture, k8s(0, 'P', 'hel') + k8s(1, 'F', 'lo') + k8s(2, 'P', 'prompt> '));
    const p = s.make();
    const live: LogRecord[] = [];
    p.subscribe((b) => live.push(...b));
    await p.sync();
    assert.deepEqual(await s.viewLogs(), ['hello\n']);
    assert.deepEqual(
      p.openRecords().map((r) => r.data.toString()),
      ['prompt> '],
    );
    // Live readers get each capture record once, as it comes.
    assert.deepEqual(
      live.map((r) => r.data.toString()),
      ['hel', 'lo\n', 'prompt> '],
    );
    await appendFile(s.capture, k8s(3, 'F', 'yes'));
    await p.sync();
    assert.deepEqual(await s.viewLogs(), ['hello\n', 'prompt> yes\n']);
    assert.deepEqual(
      live.map((r) => r.data.toString()),
      ['hel', 'lo\n', 'prompt> ', 'yes\n'],
    );
    await appendFile(s.capture, k8s(4, 'P', 'bye'));
    running = false;
    await p.finish();
    assert.deepEqual(await s.viewLogs(), ['hello\n', 'prompt> yes\n', 'bye']);
    await p.close();
  } finally {
    await s.done();
  }
});

test('rotation at max-size, and the capture handed over to a fresh file once converted', async () => {
  const s = await setup({ maxSize: 200, maxFile: 3, running: () => true, trimAt: 300, reopen: async () => void (await writeFile(s.capture, '')) });
  try {
    const lines = Array.from({ length: 20 }, (_, i) => k8s(i)).join('');
    await writeFile(s.capture, lines);
    const p = s.make();
    await p.sync();
    // The capture was renamed away, conmon (here: the reopen stub) made a new one, the old one is gone.
    assert.deepEqual(
      (await readdir(s.dir)).filter((f) => f.startsWith('container.log')),
      ['container.log'],
    );
    await appendFile(s.capture, k8s(20));
    await p.sync();
    const got = await s.viewLogs();
    const first = Number(got[0]!.split(' ')[1]);
    assert.ok(first > 0);
    assert.deepEqual(
      got,
      Array.from({ length: 21 - first }, (_, i) => `line ${first + i}\n`),
    );
    assert.equal((await readdir(s.dir)).filter((f) => f.startsWith('x-json.log')).length, 3);
    await p.close();
  } finally {
    await s.done();
  }
});

test('a full disk pauses the conversion at a record boundary; it resumes from there once space is freed', async () => {
  const s = await setup();
  const logs: string[] = [];
  try {
    await writeFile(s.capture, '');
    const view = new LogView(
      s.viewPath,
      { driver: 'json-file', maxFile: 1, compress: false },
      { encode: (r, plain) => encodeJsonLine(r, '', plain), parse: parseJsonLine },
    );
    const p = new LogPump({
      capture: s.capture,
      statePath: join(s.dir, 'log-state.json'),
      view,
      reopen: async () => undefined,
      running: () => true,
      log: (m) => logs.push(m),
    });
    await p.sync(); // opens the view
    await writeFile(s.capture, Array.from({ length: 10 }, (_, i) => k8s(i)).join(''));
    // The disk takes 100 bytes (part of a record), then no more: as write(2) does, a short write, then ENOSPC.
    let room = 100;
    const fh = (view as unknown as { fh: FileHandle }).fh;
    const real = fh.write.bind(fh) as (b: Buffer, o: number, l: number) => Promise<{ bytesWritten: number }>;
    (fh as unknown as { write: unknown }).write = async (b: Buffer, o: number, l: number) => {
      if (room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      const r = await real(b, o, Math.min(l, room));
      room -= r.bytesWritten;
      return r;
    };
    await p.sync();
    await p.sync(); // still full: reported once
    assert.equal((await readFile(s.viewPath, 'utf8')).length, 0, 'the short write was taken back');
    assert.deepEqual(logs, [`logs of ${s.capture}: write: no space left on device: not converted until space is freed`]);
    room = Infinity;
    await appendFile(s.capture, k8s(10));
    await p.sync();
    assert.deepEqual(
      await s.viewLogs(),
      Array.from({ length: 11 }, (_, i) => `line ${i}\n`),
    );
    assert.equal(logs[1], `logs of ${s.capture}: converting again`);
    await p.close();
  } finally {
    await s.done();
  }
});

test('a long line goes to the view as exact 16 KiB partial records, also across a restart in the middle of it', async () => {
  let running = true;
  const s = await setup({ running: () => running });
  const part = (i: number, ch: string, n: number): string => k8s(i, 'P', ch.repeat(n));
  try {
    // 20 000 bytes: one 16 KiB piece goes out, the rest of line 3 is held.
    await writeFile(s.capture, part(0, 'a', 5000) + part(1, 'b', 5000) + part(2, 'c', 5000) + part(3, 'd', 5000));
    const a = s.make();
    await a.sync();
    await a.close();
    assert.deepEqual(
      (await s.viewLogs()).map((l) => l.length),
      [16384],
    );
    // berthd restarts; the new pump resumes inside line 3 without writing its start again.
    await appendFile(s.capture, part(4, 'e', 13000) + k8s(5, 'F', 'f'.repeat(100)));
    running = false;
    const b = s.make();
    await b.sync();
    await b.close();
    const logs = await s.viewLogs();
    assert.deepEqual(
      logs.map((l) => l.length),
      [16384, 16384, 333],
    );
    assert.equal(logs.join(''), `${'a'.repeat(5000)}${'b'.repeat(5000)}${'c'.repeat(5000)}${'d'.repeat(5000)}${'e'.repeat(13000)}${'f'.repeat(100)}\n`);
  } finally {
    await s.done();
  }
});

test('a line still open when the capture is handed over goes on in the new file: exact pieces, nothing lost or twice', async () => {
  let running = true;
  const s = await setup({ running: () => running, trimAt: 1000, reopen: async () => void (await writeFile(s.capture, '')) });
  const part = (i: number, ch: string, n: number): string => k8s(i, 'P', ch.repeat(n));
  try {
    // 20 000 bytes of one line: a 16 KiB piece goes out, 3 616 bytes are open when the capture is trimmed.
    await writeFile(s.capture, part(0, 'a', 10000) + part(1, 'b', 10000));
    const p = s.make();
    await p.sync();
    assert.deepEqual(
      (await readdir(s.dir)).filter((f) => f.startsWith('container.log')),
      ['container.log'],
      'the capture was handed over',
    );
    assert.deepEqual(JSON.parse(await readFile(join(s.dir, 'log-state.json'), 'utf8')).carry.data.length > 0, true);
    assert.equal(
      p
        .openRecords()
        .map((r) => r.data.length)
        .reduce((a, b) => a + b, 0),
      3616,
    );
    await p.close();
    // berthd restarts: the carried start of the line is in the state only.
    await appendFile(s.capture, part(2, 'c', 13000) + k8s(3, 'F', 'end'));
    running = false;
    const q = s.make();
    await q.sync();
    await q.close();
    const logs = await s.viewLogs();
    assert.deepEqual(
      logs.map((l) => l.length),
      [16384, 16384, 20000 + 13000 + 3 + 1 - 32768],
    );
    assert.equal(logs.join(''), `${'a'.repeat(10000)}${'b'.repeat(10000)}${'c'.repeat(13000)}end\n`);
    assert.equal(JSON.parse(await readFile(join(s.dir, 'log-state.json'), 'utf8')).carry, undefined);
  } finally {
    await s.done();
  }
});
