import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINER_CREATE } from './bodies.js';
import { decodeAs, nestsDeeperThan } from './decode.js';

const create = (body: unknown): unknown => decodeAs(body, CONTAINER_CREATE);

test('a body Go would accept passes; StrSlice strings become lists; null is a zero value', () => {
  const b = create({ Image: 'busybox', Cmd: 'echo hi', Env: null, HostConfig: { Memory: 1 << 20, Binds: ['/a:/b'] }, Unknown: { x: 1 } }) as { Cmd: string[] };
  assert.deepEqual(b.Cmd, ['echo hi']);
  assert.equal(create(null), null);
});

test("wrong types get Go's unmarshal error with the field path", () => {
  assert.throws(() => create([1]), /json: cannot unmarshal array into Go value of type CreateRequest/);
  assert.throws(() => create({ Image: 5 }), /cannot unmarshal number into Go struct field CreateRequest\.Image of type string/);
  assert.throws(() => create({ HostConfig: { Memory: 'x' } }), /cannot unmarshal string into Go struct field HostConfig\.HostConfig\.Memory of type int64/);
  assert.throws(
    () => create({ HostConfig: { Memory: 1.5 } }),
    /cannot unmarshal number 1\.5 into Go struct field HostConfig\.HostConfig\.Memory of type int64/,
  );
  assert.throws(() => create({ Labels: { a: 1 } }), /Go struct field CreateRequest\.Labels\.a of type string/);
  assert.throws(() => create({ Env: ['A=1', 2] }), /Go struct field CreateRequest\.Env\[1\] of type string/);
  assert.throws(
    () => create({ HostConfig: { Mounts: [{ TmpfsOptions: { Mode: -1 } }] } }),
    /Go struct field TmpfsOptions\.HostConfig\.Mounts\[0\]\.TmpfsOptions\.Mode of type uint64/,
  );
  assert.throws(() => create({ NetworkingConfig: { EndpointsConfig: 5 } }), /of type map\[string\]EndpointSettings/);
  assert.throws(() => create({ ExposedPorts: { '80/tcp': 1 } }), /Go struct field CreateRequest\.ExposedPorts\.80\/tcp of type struct \{\}/);
});

test('null is Go\'s zero value: an absent field, "" in a []string, {} for a struct element', () => {
  const b = create({ Image: 'busybox', HostConfig: null, NetworkingConfig: null, Env: [null, 'A=1'], Cmd: [null], Labels: { a: null } }) as Record<
    string,
    unknown
  >;
  assert.equal('HostConfig' in b, false);
  assert.equal('NetworkingConfig' in b, false);
  assert.deepEqual(b.Env, ['', 'A=1']);
  assert.deepEqual(b.Cmd, ['']);
  assert.deepEqual(b.Labels, { a: '' });
  const h = create({ HostConfig: { Mounts: [null], PortBindings: { '80/tcp': null }, Ulimits: [null], Memory: null } }) as {
    HostConfig: Record<string, unknown>;
  };
  assert.deepEqual(h.HostConfig, { Mounts: [{}], PortBindings: { '80/tcp': [] }, Ulimits: [{}] });
});

test("ExposedPorts and Volumes values are Go's struct {}: whatever they nest is dropped", () => {
  const deep = JSON.parse('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)) as unknown;
  const b = create({ ExposedPorts: { '80/tcp': deep, '81/tcp': null }, Volumes: { '/v': deep } }) as Record<string, unknown>;
  assert.deepEqual(b.ExposedPorts, { '80/tcp': {}, '81/tcp': {} });
  assert.deepEqual(b.Volumes, { '/v': {} });
  assert.throws(() => create({ Volumes: { '/v': 'x' } }), /Go struct field CreateRequest\.Volumes\.\/v of type struct \{\}/);
});

test("nesting deeper than Go's 10000 is found before parsing; brackets in strings do not count", () => {
  assert.equal(nestsDeeperThan('['.repeat(10_000) + ']'.repeat(10_000)), false);
  assert.equal(nestsDeeperThan('['.repeat(10_001)), true);
  assert.equal(nestsDeeperThan(`{"a":"${'{'.repeat(20_000)}\\"}`), false);
  assert.equal(nestsDeeperThan(String.raw`["\\"[[[`, 3), true); // an escaped backslash, then the string ends
});
