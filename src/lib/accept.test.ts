import assert from 'node:assert/strict';
import { test } from 'node:test';
import { negotiateContentType } from './accept.js';

const OFFERS = ['application/x-ndjson', 'application/json-seq'];

test('negotiateContentType: no header or nothing acceptable gives the fallback', () => {
  assert.equal(negotiateContentType(undefined, OFFERS, 'application/json'), 'application/json');
  assert.equal(negotiateContentType('text/html', OFFERS, 'application/json'), 'application/json');
  assert.equal(negotiateContentType('application/json-seq;q=0', OFFERS, 'application/json'), 'application/json');
});

test('negotiateContentType: exact beats wildcard, higher q wins, ties go to the earlier offer', () => {
  assert.equal(negotiateContentType('application/json-seq', OFFERS, 'application/json'), 'application/json-seq');
  assert.equal(negotiateContentType('*/*', OFFERS, 'application/json'), 'application/x-ndjson');
  assert.equal(negotiateContentType('*/*;q=0.9, application/json-seq;q=0.5', OFFERS, 'x'), 'application/x-ndjson');
  assert.equal(negotiateContentType('application/*, application/json-seq', OFFERS, 'x'), 'application/json-seq');
  assert.equal(negotiateContentType('application/x-ndjson;q=0.2, application/json-seq;q=0.8', OFFERS, 'x'), 'application/json-seq');
});
