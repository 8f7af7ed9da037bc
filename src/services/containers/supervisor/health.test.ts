import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { healthCommand, nextHealth } from './health.js';

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
});
