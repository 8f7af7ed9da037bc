import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMediaType } from './media-type.js';

it('reads media types as Go does', () => {
  assert.deepEqual(parseMediaType('application/json'), { type: 'application/json' });
  assert.deepEqual(parseMediaType('Application/JSON; charset=utf-8'), { type: 'application/json' });
  assert.deepEqual(parseMediaType('application/json;charset="utf-8";'), { type: 'application/json' });
  assert.deepEqual(parseMediaType('text/plain'), { type: 'text/plain' });
  assert.deepEqual(parseMediaType(''), { error: 'mime: no media type' });
  assert.deepEqual(parseMediaType('application'), { type: 'application' });
  assert.deepEqual(parseMediaType('/json'), { error: 'mime: no media type' });
  assert.deepEqual(parseMediaType('application json'), { error: 'mime: expected slash after first token' });
  assert.deepEqual(parseMediaType('application/'), { error: 'mime: expected token after slash' });
  assert.deepEqual(parseMediaType('application/json x'), { error: 'mime: unexpected content after media subtype' });
  assert.deepEqual(parseMediaType('application/json; charset'), { error: 'mime: invalid media parameter' });
  assert.deepEqual(parseMediaType('application/json; a=1; a=2'), { error: 'mime: duplicate parameter name' });
});
