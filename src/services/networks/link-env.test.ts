import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linkEnv } from './link-env.js';

describe('linkEnv', () => {
  it("writes Docker's link variables in Docker's order", () => {
    const child = {
      Config: {
        ExposedPorts: { '8081/tcp': {}, '80/tcp': {}, '53/udp': {}, '8080/tcp': {}, '8082/tcp': {}, '53/tcp': {} },
        Env: ['PATH=/usr/bin', 'HOME=/root', 'DB_USER=app', 'EMPTY=', 'NOVALUE'],
      },
    };
    assert.deepEqual(linkEnv('/web/my-db', child, '10.0.0.2'), [
      'MY_DB_PORT=tcp://10.0.0.2:53',
      'MY_DB_PORT_8080_TCP_START=tcp://10.0.0.2:8080',
      'MY_DB_PORT_8080_TCP_ADDR=10.0.0.2',
      'MY_DB_PORT_8080_TCP_PROTO=tcp',
      'MY_DB_PORT_8080_TCP_PORT_START=8080',
      'MY_DB_PORT_8080_TCP_END=tcp://10.0.0.2:8082',
      'MY_DB_PORT_8080_TCP_PORT_END=8082',
      ...[
        ['53', 'tcp'],
        ['53', 'udp'],
        ['80', 'tcp'],
        ['8080', 'tcp'],
        ['8081', 'tcp'],
        ['8082', 'tcp'],
      ].flatMap(([n, p]) => [
        `MY_DB_PORT_${n}_${p!.toUpperCase()}=${p}://10.0.0.2:${n}`,
        `MY_DB_PORT_${n}_${p!.toUpperCase()}_ADDR=10.0.0.2`,
        `MY_DB_PORT_${n}_${p!.toUpperCase()}_PORT=${n}`,
        `MY_DB_PORT_${n}_${p!.toUpperCase()}_PROTO=${p}`,
      ]),
      'MY_DB_NAME=/web/my-db',
      'MY_DB_ENV_DB_USER=app',
      'MY_DB_ENV_EMPTY=',
    ]);
  });

  it('gives a container without exposed ports only its name and environment', () => {
    assert.deepEqual(linkEnv('/a/b', { Config: { Env: ['X=1'] } }, '10.0.0.3'), ['B_NAME=/a/b', 'B_ENV_X=1']);
  });
});
