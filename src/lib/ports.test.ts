import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parsePortSpec, PortSpecError } from './ports.js';

describe('parsePortSpec', () => {
  it('parses the forms docker accepts', () => {
    assert.deepEqual(parsePortSpec('80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '' }] });
    assert.deepEqual(parsePortSpec('8080:80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    assert.deepEqual(parsePortSpec('127.0.0.1:8080:80').bindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
    assert.deepEqual(parsePortSpec('127.0.0.1::80/udp').bindings, { '80/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    assert.deepEqual(parsePortSpec('8000-8001:80-81').bindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8000' }],
      '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    });
    assert.deepEqual(parsePortSpec('8000-8010:80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] });
    assert.deepEqual(parsePortSpec('[::1]:8080:80').bindings, { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] });
  });

  it("rejects malformed specs with docker's messages", () => {
    assert.throws(
      () => parsePortSpec('80/xyz'),
      (e: Error) => e instanceof PortSpecError && e.message === 'invalid proto: xyz',
    );
    assert.throws(() => parsePortSpec('abc'), /invalid containerPort: abc/);
    assert.throws(() => parsePortSpec('8000-8002:80-81'), /invalid ranges specified/);
    assert.throws(() => parsePortSpec('1:2:3:4'), /invalid port format/);
  });
});
