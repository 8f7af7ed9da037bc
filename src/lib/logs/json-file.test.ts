import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAttrs, encodeJsonLine, padNanos, parseJsonLine } from './json-file.js';
import type { LogRecord } from './k8s-file.js';

const parse = (line: string): LogRecord | undefined => {
  const data = Buffer.from(`${line}\n`);
  return parseJsonLine(data, data.toString('latin1'), 0, data.length - 1);
};

test('json-file lines are encoded as Docker writes them', () => {
  const rec: LogRecord = { time: '2026-11-22T19:09:18.302206800Z', stream: 'stdout', partial: false, data: Buffer.from('a<b>&c "q" é\n') };
  assert.equal(encodeJsonLine(rec), '{"log":"a\\u003cb\\u003e\\u0026c \\"q\\" é\\n","stream":"stdout","time":"2026-11-22T19:09:18.3022068Z"}\n');
  const attrs = encodeAttrs({ tag: 'web', app: 'x' });
  assert.equal(attrs, '{"app":"x","tag":"web"}');
  assert.equal(
    encodeJsonLine({ ...rec, time: '2026-11-22T19:09:18.000000000Z', stream: 'stderr', data: Buffer.from('p') }, attrs),
    '{"log":"p","stream":"stderr","attrs":{"app":"x","tag":"web"},"time":"2026-11-22T19:09:18Z"}\n',
  );
  assert.equal(encodeAttrs({}), '');
});

test('json-file lines parse back (fast path and JSON.parse), times padded to 9 digits', () => {
  const rec: LogRecord = {
    time: '2026-11-22T19:09:18.302206800Z',
    stream: 'stderr',
    partial: false,
    data: Buffer.from('x\\y "z" \u2028\n'),
    attrs: { tag: 't' },
  };
  const back = parse(encodeJsonLine(rec, encodeAttrs(rec.attrs!)).trimEnd())!;
  assert.deepEqual({ ...back, data: back.data.toString() }, { ...rec, data: rec.data.toString() });
  const plain = parse('{"log":"hello\\n","stream":"stdout","time":"2026-11-22T19:09:18Z"}')!;
  assert.equal(plain.data.toString(), 'hello\n');
  assert.equal(plain.time, '2026-11-22T19:09:18.000000000Z');
  assert.equal(plain.partial, false);
  const partial = parse('{"log":"no newline","stream":"stdout","time":"2026-11-22T19:09:18.5Z"}')!;
  assert.equal(partial.partial, true);
  // Another field order (another writer) still parses.
  const other = parse('{"time":"2026-11-22T19:09:18.5Z","stream":"stderr","log":"o\\n"}')!;
  assert.deepEqual([other.stream, other.data.toString(), other.time], ['stderr', 'o\n', '2026-11-22T19:09:18.500000000Z']);
  assert.equal(parse('not json'), undefined);
  assert.equal(padNanos('2026-11-22T19:09:18.123456789Z'), '2026-11-22T19:09:18.123456789Z');
});
