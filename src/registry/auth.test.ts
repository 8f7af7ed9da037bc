import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './auth.js';
import { isInsecure } from './config.js';

test('parseChallenges reads Bearer and Basic challenges', () => {
  const [c] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"');
  assert.equal(c!.scheme, 'bearer');
  assert.deepEqual(c!.params, { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' });
  assert.deepEqual(parseChallenges(['Basic realm="basic-realm"']), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  assert.deepEqual(parseChallenges(undefined), []);
});

test('insecure registries match host:port, host and CIDR entries', () => {
  const cfg = { insecure: ['myreg:5000', 'plain', '10.1.0.0/16'], mirrors: [], certsDir: '/x', timeoutMs: 1, chunkSize: 1 };
  assert.equal(isInsecure(cfg, 'myreg:5000'), true);
  assert.equal(isInsecure(cfg, 'myreg:5001'), false);
  assert.equal(isInsecure(cfg, 'plain:443'), true);
  assert.equal(isInsecure(cfg, '10.1.2.3:5000'), true);
  assert.equal(isInsecure(cfg, '10.2.0.1'), false);
});
