import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveApiAccess, takeBoolFlags, tcpMode } from './api-access.js';
import { parseTcpAddress } from './listen.js';

test('Go-style boolean flags: --tls, --tls=false, --tlsverify=1', () => {
  assert.deepEqual(takeBoolFlags(['-H', 'x', '--tls=false', '--tlsverify']), { rest: ['-H', 'x'], bools: { tls: false, tlsverify: true } });
  assert.deepEqual(takeBoolFlags(['--tlsverify=0']).bools, { tlsverify: false });
  assert.throws(() => takeBoolFlags(['--tls=maybe']), /invalid boolean value "maybe"/);
});

test('a TCP listener needs --tlsverify, or an explicit --tls=false / --tlsverify=false', () => {
  const access = (bools: { tls?: boolean; tlsverify?: boolean }, json = {}) => resolveApiAccess({}, bools, json);
  assert.equal(tcpMode(access({ tlsverify: true }), 'tcp://a'), 'mutual-tls');
  assert.equal(tcpMode(access({}, { tlsverify: true }), 'tcp://a'), 'mutual-tls');
  assert.equal(tcpMode(access({ tls: false }), 'tcp://a'), 'plain');
  assert.equal(tcpMode(access({ tls: true, tlsverify: false }), 'tcp://a'), 'tls');
  assert.throws(() => tcpMode(access({}), 'tcp://a'), /refusing to listen on tcp:\/\/a/);
  assert.throws(() => tcpMode(access({ tls: true }), 'tcp://a'), /refusing to listen/);
});

test('socket group: flag over daemon.json over the default "berth"', () => {
  assert.deepEqual([resolveApiAccess({}, {}, {}).group, resolveApiAccess({}, {}, {}).defaultGroup], ['berth', true]);
  assert.equal(resolveApiAccess({}, {}, { group: 'ops' }).group, 'ops');
  assert.equal(resolveApiAccess({ group: 'dev' }, {}, { group: 'ops' }).defaultGroup, false);
});

test('tcp addresses: default ports 2376/2375 and host 127.0.0.1', () => {
  assert.deepEqual(parseTcpAddress('tcp://127.0.0.1:2999', true), { hostname: '127.0.0.1', port: 2999 });
  assert.deepEqual(parseTcpAddress('tcp://:2999', true), { hostname: '127.0.0.1', port: 2999 });
  assert.deepEqual(parseTcpAddress('tcp://0.0.0.0', true), { hostname: '0.0.0.0', port: 2376 });
  assert.deepEqual(parseTcpAddress('tcp://[::1]', false), { hostname: '::1', port: 2375 });
  assert.throws(() => parseTcpAddress('tcp://a:99999', true), /port out of range/);
});
