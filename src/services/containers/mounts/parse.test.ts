import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKind } from '../../../lib/errdefs.js';
import { parseBind, parseMountSpec, parseVolumesFrom, validMode } from './parse.js';

const bad = (e: unknown): boolean => isKind(e, 'InvalidArgument');

test('-v name:/path[:mode] is a named volume; /host:/ctr a bind; /path an anonymous volume', () => {
  assert.deepEqual(parseBind('pgdata:/var/lib/postgresql/data'), {
    Type: 'volume',
    Name: 'pgdata',
    Source: '',
    Destination: '/var/lib/postgresql/data',
    Mode: '',
    RW: true,
    Propagation: '',
    CopyData: true,
  });
  assert.deepEqual(parseBind('/srv:/data:ro,rshared'), {
    Type: 'bind',
    Source: '/srv',
    Destination: '/data',
    Mode: 'ro,rshared',
    RW: false,
    Propagation: 'rshared',
    CreateSource: true,
  });
  assert.equal(parseBind('/srv/:/data/').Source, '/srv');
  assert.equal(parseBind('/srv:/data').Propagation, 'rprivate');
  assert.equal(parseBind('v:/d:nocopy').CopyData, false);
  assert.equal(parseBind('/data').Anonymous, true);
});

test('-v bad input: too many colons, bad mode, relative destination, propagation on a volume', () => {
  assert.throws(
    () => parseBind('a:/b:ro:x'),
    (e) => bad(e) && /invalid volume specification/.test(String(e)),
  );
  assert.throws(() => parseBind('/a:/b:xyz'), /invalid mode: xyz/);
  assert.throws(() => parseBind('v:data'), /must be absolute/);
  assert.throws(() => parseBind('v:/'), /destination can't be '\/'/);
  assert.throws(() => parseBind('v:/d:rshared'), /BindOptions/);
  assert.throws(() => parseBind('/data:rw'), bad);
  assert.equal(validMode('ro,z'), true);
  assert.equal(validMode('ro,rw'), false);
});

test('--mount specs as Docker validates them', () => {
  assert.deepEqual(parseMountSpec({ Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rslave' } }), {
    Type: 'bind',
    Source: '/a',
    Destination: '/b',
    Mode: '',
    RW: false,
    Propagation: 'rslave',
  });
  assert.equal(parseMountSpec({ Type: 'volume', Target: '/b', VolumeOptions: { NoCopy: true } }).CopyData, false);
  assert.deepEqual(parseMountSpec({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } }).TmpfsOptions, [
    'size=1048576',
    'mode=1777',
  ]);
  assert.throws(() => parseMountSpec({ Type: 'bind', Target: '/b' }), /Source must not be empty/);
  assert.throws(() => parseMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/b' }), /Source must not be specified/);
  assert.throws(() => parseMountSpec({ Type: 'bogus', Target: '/b' }), /mount type unknown/);
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: 'rel' }), /must be absolute/);
});

test('--volumes-from container[:ro|rw]', () => {
  assert.deepEqual(parseVolumesFrom('db'), { container: 'db', rw: true });
  assert.deepEqual(parseVolumesFrom('db:ro'), { container: 'db', rw: false });
  assert.throws(() => parseVolumesFrom('db:xx'), bad);
});
