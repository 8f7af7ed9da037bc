import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINER_CREATE } from './bodies.js';
import { decodeAs } from './decode.js';

const create = (body: unknown): unknown => decodeAs(body, CONTAINER_CREATE);

test('a body Go would accept passes; StrSlice strings become lists; null is a zero value', () => {
  const b = create({ Image: 'busybox', Cmd: 'echo hi', Env: null, HostConfig: { Memory: 1 << 20, Binds: ['/a:/b'] }, Unknown: { x: 1 } }) as { Cmd: string[] };
  assert.deepEqual(b.Cmd, ['echo hi']);
  assert.equal(create(null), null);
});

test('wrong types get Go\'s unmarshal error with the field path', () => {
  assert.throws(() => create([1]), /json: cannot unmarshal array into Go value of type CreateRequest/);
  assert.throws(() => create({ Image: 5 }), /cannot unmarshal number into Go struct field CreateRequest\.Image of type string/);
  assert.throws(() => create({ HostConfig: { Memory: 'x' } }), /cannot unmarshal string into Go struct field HostConfig\.HostConfig\.Memory of type int64/);
  assert.throws(() => create({ HostConfig: { Memory: 1.5 } }), /cannot unmarshal number 1\.5 into Go struct field HostConfig\.HostConfig\.Memory of type int64/);
  assert.throws(() => create({ Labels: { a: 1 } }), /Go struct field CreateRequest\.Labels\.a of type string/);
  assert.throws(() => create({ Env: ['A=1', 2] }), /Go struct field CreateRequest\.Env\[1\] of type string/);
  assert.throws(() => create({ HostConfig: { Mounts: [{ TmpfsOptions: { Mode: -1 } }] } }), /Go struct field TmpfsOptions\.HostConfig\.Mounts\[0\]\.TmpfsOptions\.Mode of type uint64/);
  assert.throws(() => create({ NetworkingConfig: { EndpointsConfig: 5 } }), /of type map\[string\]EndpointSettings/);
  assert.throws(() => create({ ExposedPorts: { '80/tcp': 1 } }), /of type map\[string\]interface \{\}/);
});
