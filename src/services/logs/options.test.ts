import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logSettings, resolveLogConfig } from './options.js';

test('log configs: the daemon default fills in, Docker errors for bad ones', () => {
  const daemon = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } };
  assert.deepEqual(resolveLogConfig(undefined, daemon), daemon);
  assert.deepEqual(resolveLogConfig({ Type: '', Config: { 'max-file': '5' } }, daemon), { Type: 'json-file', Config: { 'max-file': '5', 'max-size': '10m' } });
  assert.deepEqual(resolveLogConfig({ Type: 'local' }, daemon), { Type: 'local', Config: {} });
  assert.deepEqual(logSettings({ Type: 'local' }), { driver: 'local', maxSize: 20 << 20, maxFile: 5, compress: true });
  assert.deepEqual(logSettings({ Type: 'json-file', Config: { 'max-size': '1k', 'max-file': '2', compress: 'true' } }), {
    driver: 'json-file',
    maxSize: 1024,
    maxFile: 2,
    compress: true,
  });
  assert.deepEqual(logSettings({ Type: 'none', Config: { anything: '1' } }).driver, 'none');
  const err = (cfg: { Type: string; Config?: Record<string, string> }): string => {
    try {
      logSettings(cfg);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(err({ Type: 'json-file', Config: { 'max-size': 'abc' } }), "invalid size: 'abc'");
  assert.equal(err({ Type: 'syslog' }), "logger: no log driver named 'syslog' is registered");
  assert.equal(err({ Type: 'json-file', Config: { foo: 'x' } }), "unknown log opt 'foo' for json-file log driver");
  assert.equal(err({ Type: 'json-file', Config: { 'max-file': 'x' } }), 'strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(
    err({ Type: 'json-file', Config: { compress: 'true', 'max-size': '1m' } }),
    'compress cannot be true when max-file is less than 2 or max-size is not set',
  );
  assert.equal(err({ Type: 'json-file', Config: { mode: 'fast' } }), 'logger: logging mode not supported: fast');
});
