import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { answer, parseQuestion } from './dns.js';

function query(name: string, qtype = 1): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const head = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([head, ...labels, Buffer.from([0, 0, qtype, 0, 1])]);
}

describe('dns responder messages', () => {
  it('parses the question and answers with one A record', () => {
    const q = query('Web.app');
    const p = parseQuestion(q)!;
    assert.equal(p.name, 'web.app');
    assert.equal(p.qtype, 1);
    const r = answer(q, p, '10.1.2.3');
    assert.equal(r.readUInt16BE(0), 0x1234);
    assert.equal(r.readUInt16BE(6), 1);
    assert.deepEqual([...r.subarray(r.length - 4)], [10, 1, 2, 3]);
  });

  it('answers without records (NXDOMAIN) when asked to', () => {
    const q = query('nope');
    const r = answer(q, parseQuestion(q)!, undefined, 3);
    assert.equal(r.readUInt16BE(2) & 0xf, 3);
    assert.equal(r.readUInt16BE(6), 0);
  });
});

describe('dns responder AAAA', () => {
  it('answers AAAA with the 16 bytes of an IPv6 address', () => {
    const labels = Buffer.from([3, ...Buffer.from('web'), 0, 0, 28, 0, 1]);
    const q = Buffer.concat([Buffer.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), labels]);
    const p = parseQuestion(q)!;
    assert.equal(p.qtype, 28);
    const r = answer(q, p, 'fd42:1::a:2');
    assert.equal(r.readUInt16BE(6), 1);
    const rr = r.subarray(p.end);
    assert.equal(rr.readUInt16BE(2), 28);
    assert.equal(rr.readUInt16BE(10), 16);
    assert.deepEqual([...rr.subarray(12)], [0xfd, 0x42, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 2]);
  });
});
