import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsFor, isInsecure } from './config.js';

const cfg = { insecure: ['10.9.0.0/16', 'fd00:1::/64'], mirrors: [], certsDir: '/x', timeoutMs: 1, chunkSize: 1 };

test('loopback registries are insecure with no configuration, as in Docker', () => {
  for (const d of ['localhost:5000', 'localhost', '127.0.0.1:5000', '127.3.2.1', '[::1]:5000']) assert.equal(isInsecure(cfg, d), true, d);
  for (const d of ['localhost.example.com:5000', '128.0.0.1:5000', 'registry.example.com', '[::2]:5000']) assert.equal(isInsecure(cfg, d), false, d);
  assert.equal(isInsecure(cfg, '10.9.200.1:443'), true);
  assert.equal(isInsecure(cfg, '[fd00:1::5]:5000'), true);
  assert.equal(isInsecure(cfg, '[fd00:2::5]:5000'), false);
});

test('an insecure registry is tried over https without verification first, then over http', () => {
  assert.deepEqual(
    endpointsFor(cfg, 'localhost:5000').map((e) => [e.base.href, e.insecure]),
    [
      ['https://localhost:5000/', true],
      ['http://localhost:5000/', true],
    ],
  );
  assert.deepEqual(
    endpointsFor(cfg, 'registry.example.com').map((e) => [e.base.href, e.insecure]),
    [['https://registry.example.com/', false]],
  );
});
