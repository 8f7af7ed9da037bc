import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLogLine } from './k8s-file.js';
import { readSegments, type LogSegment } from './reader.js';

function memSegment(text: string): LogSegment {
  const data = Buffer.from(text);
  return { size: data.length, read: async (buf, len, pos) => data.copy(buf, 0, pos, pos + len), close: async () => undefined };
}

const line = (i: number, stream = 'stdout', flag = 'F'): string =>
  `2026-11-22T19:09:${String(10 + i).padStart(2, '0')}.000000001+00:00 ${stream} ${flag} line ${i}\n`;

async function collect(segs: LogSegment[], opts: Parameters<typeof readSegments>[2] = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readSegments(segs, parseLogLine, opts)) for (const r of batch) out.push(`${r.stream}:${r.data.toString()}`);
  return out;
}

test('tail counts records backwards across segments; since/until bound by time', async () => {
  const segs = () => [memSegment(line(0) + line(1)), memSegment(''), memSegment(line(2) + line(3, 'stderr') + line(4))];
  assert.deepEqual(
    await collect(segs()),
    [0, 1, 2, 3, 4].map((i) => `${i === 3 ? 'stderr' : 'stdout'}:line ${i}\n`),
  );
  assert.deepEqual(await collect(segs(), { tail: 2 }), ['stderr:line 3\n', 'stdout:line 4\n']);
  assert.deepEqual(await collect(segs(), { tail: 4 }), ['stdout:line 1\n', 'stdout:line 2\n', 'stderr:line 3\n', 'stdout:line 4\n']);
  assert.deepEqual((await collect(segs(), { tail: 99 })).length, 5);
  assert.deepEqual(await collect(segs(), { tail: 0 }), []);
  assert.deepEqual(await collect(segs(), { since: '2026-11-22T19:09:13.000000000Z' }), ['stderr:line 3\n', 'stdout:line 4\n']);
  assert.deepEqual(await collect(segs(), { until: '2026-11-22T19:09:11.000000001Z' }), ['stdout:line 0\n', 'stdout:line 1\n']);
});

test('k8s-file records: partial ones keep no newline, a line still being written is left out', async () => {
  const segs = [memSegment(line(0, 'stdout', 'P') + line(1) + '2026-11-22T19:09:12.000000001+00:00 stdout F unfinis')];
  assert.deepEqual(await collect(segs), ['stdout:line 0', 'stdout:line 1\n']);
});
