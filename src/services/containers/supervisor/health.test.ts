import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { healthCommand, nextHealth, probeDelay } from './health.js';

describe('healthchecks', () => {
  it('turns Test into a command', () => {
    assert.deepEqual(healthCommand({ Test: ['CMD-SHELL', 'curl -f x'] }), ['/bin/sh', '-c', 'curl -f x']);
    assert.deepEqual(healthCommand({ Test: ['CMD', 'true', 'x'] }), ['true', 'x']);
    assert.equal(healthCommand({ Test: ['NONE'] }), undefined);
    assert.equal(healthCommand(undefined), undefined);
  });

  it('counts failures up to the retries; a pass resets; start-period failures do not count', () => {
    const r = (ExitCode: number) => ({ ExitCode, Start: 's', End: 'e', Output: '' });
    let h = nextHealth({ Status: 'starting', FailingStreak: 0, Log: [] }, r(1), { retries: 2, inStartPeriod: false });
    assert.deepEqual([h.Status, h.FailingStreak], ['starting', 1]);
    h = nextHealth(h, r(1), { retries: 2, inStartPeriod: false });
    assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
    h = nextHealth(h, r(0), { retries: 2, inStartPeriod: false });
    assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['healthy', 0, 3]);
    const early = nextHealth({ Status: 'starting', FailingStreak: 0, Log: [] }, r(1), { retries: 1, inStartPeriod: true });
    assert.deepEqual([early.Status, early.FailingStreak], ['starting', 0]);
  });

  it('probes every StartInterval while starting inside the start period, else every Interval', () => {
    const started = '2026-01-01T00:00:00Z';
    const t0 = Date.parse(started);
    const cfg = { Test: ['CMD', 'true'], Interval: 60e9, StartPeriod: 30e9, StartInterval: 2e9 };
    assert.equal(probeDelay(cfg, started, 'starting', t0 + 1000), 2000);
    assert.equal(probeDelay(cfg, started, 'healthy', t0 + 1000), 60000, 'healthy: the start interval is over');
    assert.equal(probeDelay(cfg, started, 'starting', t0 + 31000), 60000, 'after the start period');
    assert.equal(probeDelay({ ...cfg, StartInterval: 0 }, started, 'starting', t0 + 1000), 5000, "Docker's default start interval");
    assert.equal(probeDelay({ Test: ['CMD', 'true'], StartInterval: 2e9 }, started, 'starting', t0 + 1000), 30000, 'no start period: Interval (default 30 s)');
  });
});
