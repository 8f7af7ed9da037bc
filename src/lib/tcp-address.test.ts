import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTcpAddress, isLoopback, parseTcpAddress } from './tcp-address.js';

test('parses host:port in its three spellings', () => {
  assert.deepEqual(parseTcpAddress('127.0.0.1:9600'), { host: '127.0.0.1', port: 9600 });
  assert.deepEqual(parseTcpAddress('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseTcpAddress('localhost:80'), { host: 'localhost', port: 80 });
  assert.equal(formatTcpAddress({ host: '::1', port: 5 }), '[::1]:5');
  for (const bad of ['9600', '127.0.0.1', '127.0.0.1:99999', ':80', '::1:80', 'a:b']) assert.throws(() => parseTcpAddress(bad), /invalid address/, bad);
});

test('only loopback hosts count as loopback', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com', '::ffff:10.0.0.1']) assert.ok(!isLoopback(h), h);
});
