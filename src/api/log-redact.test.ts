import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MASK, redactTarget } from './log-redact.js';

test('secret query values are masked, the rest kept', () => {
  const args = encodeURIComponent(JSON.stringify({ API_TOKEN: 'tok-123', PLAIN: 'x' }));
  const out = redactTarget(`/v1.41/build?t=app&buildargs=${args}&auth=abc&password=pw&X-Registry-Auth=e30&q=1`);
  assert.equal(out, `/v1.41/build?t=app&buildargs=${MASK}&auth=${MASK}&password=${MASK}&X-Registry-Auth=${MASK}&q=1`);
  assert.ok(!out.includes('tok-123'));
});

test('user:password@ in a value is masked', () => {
  const remote = encodeURIComponent('https://bob:hunter2@git.example/repo.git');
  const out = redactTarget(`/build?remote=${remote}`);
  assert.ok(!out.includes('hunter2'), out);
  assert.ok(out.includes('bob'), out);
  assert.equal(redactTarget('/build?remote=https://bob:hunter2@git.example/r.git'), `/build?remote=https://bob:${MASK}@git.example/r.git`);
});

test('targets without a query are unchanged', () => {
  assert.equal(redactTarget('/containers/json'), '/containers/json');
  assert.equal(redactTarget(undefined), '');
});
