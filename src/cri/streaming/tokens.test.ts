import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_IN_FLIGHT, RequestCache, TOKEN_TTL_MS } from './tokens.js';

describe('streaming request cache', () => {
  it('a token is 11 base64url characters and serves once', () => {
    const c = new RequestCache<string>();
    const t = c.insert('exec');
    assert.match(t, /^[A-Za-z0-9_-]{11}$/);
    assert.equal(c.consume(t), 'exec');
    assert.equal(c.consume(t), undefined);
    assert.equal(c.consume('unknown'), undefined);
  });

  it('a token expires after a minute; at most 1000 wait', () => {
    let now = 0;
    const c = new RequestCache<number>(() => now);
    const t = c.insert(1);
    now = TOKEN_TTL_MS;
    assert.equal(c.consume(t), undefined);
    for (let i = 0; i < MAX_IN_FLIGHT; i++) c.insert(i);
    assert.throws(() => c.insert(-1), /maximum number of in-flight requests exceeded/);
    now += TOKEN_TTL_MS; // the expired ones make room
    assert.doesNotThrow(() => c.insert(-1));
  });
});
