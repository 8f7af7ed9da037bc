import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SeqpacketServer as Server, SeqpacketSocket as Socket } from 'node-unix-socket';
import { connectAttachSocket } from './attach-socket.js';

const { SeqpacketServer } = createRequire(import.meta.url)('node-unix-socket') as { SeqpacketServer: typeof Server };

test('output that arrives before the first subscriber is kept for it, in order, and the end waits for nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-attach-'));
  const server = new SeqpacketServer();
  const accepted = new Promise<Socket>((resolve) => server.on('connection', (s: Socket) => resolve(s)));
  server.listen(join(dir, 'attach'));
  try {
    const io = await connectAttachSocket(dir);
    const peer = await accepted;
    // conmon's packets: a stream byte (2 stdout, 3 stderr), then the data; the process writes at once.
    peer.write(Buffer.from('\x02hello out\r\n'));
    peer.write(Buffer.from('\x03hello err\r\n'));
    const ended = new Promise<void>((r) => io.onEnd(r));
    peer.end();
    await ended; // the monitor is gone before anyone subscribed
    const got: string[] = [];
    io.onOutput((stream, data) => got.push(`${stream}:${data.toString()}`));
    assert.deepEqual(got, ['stdout:hello out\r\n', 'stderr:hello err\r\n']);
    io.close();
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
