import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeStatus, grpcError, withDetails } from './grpc-errors.js';
import { invalidArgument } from '../lib/errdefs.js';

test('google.rpc.Status in the wire format: code, message, details as Any (type_url, value)', () => {
  const bytes = encodeStatus(2, 'x', [{ type_url: 't', value: Buffer.from('v') }]);
  assert.deepEqual([...bytes], [0x08, 0x02, 0x12, 0x01, 0x78, 0x1a, 0x06, 0x0a, 0x01, 0x74, 0x12, 0x01, 0x76]);
  // A length past 127 takes a two-byte varint.
  const long = encodeStatus(0, 'm'.repeat(300), []);
  assert.deepEqual([...long.subarray(0, 3)], [0x12, 0xac, 0x02]);
  assert.equal(long.length, 3 + 300);
});

test('an error with details carries them in grpc-status-details-bin, also when wrapped; others carry no metadata', () => {
  const inner = withDetails(invalidArgument('bad'), [{ type_url: 'u', value: Buffer.from('{}') }]);
  const s = grpcError(new Error('outer', { cause: inner }));
  const bin = s.metadata?.get('grpc-status-details-bin')[0];
  assert.ok(Buffer.isBuffer(bin));
  assert.ok(bin.includes(Buffer.from('outer')) && bin.includes(Buffer.from('u')));
  assert.equal(grpcError(invalidArgument('plain')).metadata, undefined);
});
