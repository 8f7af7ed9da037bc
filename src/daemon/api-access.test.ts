import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAccess, tcpMode, type ApiAccessSettings } from './api-access.js';
import { takeBoolFlags } from './config-kinds.js';
import { parseTcpAddress } from './listen.js';

test('Go-style boolean flags: --tls, --tls=false, --tlsverify=1', () => {
  const names = new Set(['tls', 'tlsverify']);
  assert.deepEqual(takeBoolFlags(['-H', 'x', '--tls=false', '--tlsverify'], names), { rest: ['-H', 'x', '--tlsverify'], bools: { tls: false } });
  assert.deepEqual(takeBoolFlags(['--tlsverify=0'], names).bools, { tlsverify: false });
  assert.throws(() => takeBoolFlags(['--tls=maybe'], names), /invalid boolean value "maybe"/);
});

const settings = (s: Partial<ApiAccessSettings>): ApiAccessSettings => ({
  group: '',
  tls: undefined,
  tlsverify: undefined,
  tlscacert: '',
  tlscert: '',
  tlskey: '',
  ...s,
});

test('a TCP listener needs --tlsverify, or an explicit --tls=false / --tlsverify=false', () => {
  const access = (bools: { tls?: boolean; tlsverify?: boolean }) => apiAccess(settings(bools));
  assert.equal(tcpMode(access({ tlsverify: true }), 'tcp://a'), 'mutual-tls');
  assert.equal(tcpMode(access({ tls: false }), 'tcp://a'), 'plain');
  assert.equal(tcpMode(access({ tls: true, tlsverify: false }), 'tcp://a'), 'tls');
  assert.throws(() => tcpMode(access({}), 'tcp://a'), /refusing to listen on tcp:\/\/a/);
  assert.throws(() => tcpMode(access({ tls: true }), 'tcp://a'), /refusing to listen/);
});

test('socket group: the default "berth" unless one is named', () => {
  assert.deepEqual([apiAccess(settings({})).group, apiAccess(settings({})).defaultGroup], ['berth', true]);
  assert.deepEqual([apiAccess(settings({ group: 'ops' })).group, apiAccess(settings({ group: 'ops' })).defaultGroup], ['ops', false]);
});

test('tcp addresses: default ports 2376/2375 and host 127.0.0.1', () => {
  assert.deepEqual(parseTcpAddress('tcp://127.0.0.1:2999', true), { hostname: '127.0.0.1', port: 2999 });
  assert.deepEqual(parseTcpAddress('tcp://:2999', true), { hostname: '127.0.0.1', port: 2999 });
  assert.deepEqual(parseTcpAddress('tcp://0.0.0.0', true), { hostname: '0.0.0.0', port: 2376 });
  assert.deepEqual(parseTcpAddress('tcp://[::1]', false), { hostname: '::1', port: 2375 });
  assert.throws(() => parseTcpAddress('tcp://a:99999', true), /port out of range/);
});
