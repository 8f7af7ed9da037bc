import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { authenticate, generateToken, sameOrigin, sessionCookie } from './auth.js';

const req = (headers: Record<string, string>, port = 9600): IncomingMessage => ({ headers, socket: { localPort: port } }) as unknown as IncomingMessage;
const url = (q = ''): URL => new URL(`http://127.0.0.1:9600/${q}`);

test('the token is accepted from a bearer header, the session cookie or ?token=, and nothing else', () => {
  const t = generateToken();
  assert.match(t, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generateToken(), t);
  assert.equal(authenticate(req({ authorization: `Bearer ${t}` }), url(), t), 'header');
  assert.equal(authenticate(req({ cookie: `other=1; berth_ui_9600=${t}` }), url(), t), 'cookie');
  assert.equal(authenticate(req({}), url(`?token=${t}`), t), 'query');
  assert.equal(authenticate(req({}), url(), t), undefined);
  assert.equal(authenticate(req({ authorization: `Bearer ${t}x` }), url(), t), undefined);
  assert.equal(authenticate(req({ authorization: `Basic ${t}` }), url(), t), undefined);
  assert.equal(authenticate(req({ cookie: `berth_ui_9601=${t}` }), url(), t), undefined, "another listener's cookie");
  assert.equal(authenticate(req({}), url('?token='), t), undefined);
  assert.equal(sessionCookie(req({}), t), `berth_ui_9600=${t}; Path=/; HttpOnly; SameSite=Strict`);
});

test('state changes must come from the page itself when the browser names an origin', () => {
  assert.ok(sameOrigin(req({ host: '127.0.0.1:9600' })));
  assert.ok(sameOrigin(req({ host: '127.0.0.1:9600', origin: 'http://127.0.0.1:9600' })));
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9600', origin: 'http://evil.example' })));
  assert.ok(!sameOrigin(req({ host: '127.0.0.1:9600', origin: 'null' })));
});
