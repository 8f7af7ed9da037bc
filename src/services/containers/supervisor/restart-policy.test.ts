import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { record } from '../spec/fixture.js';
import { wantsRestart } from './restart-policy.js';

describe('restart policies', () => {
  const withPolicy = (Name: 'no' | 'always' | 'unless-stopped' | 'on-failure', MaximumRetryCount = 0, RestartCount = 0) => ({
    ...record({}, { RestartPolicy: { Name, MaximumRetryCount } }),
    RestartCount,
  });

  it('always and unless-stopped restart unless stopped by the user', () => {
    assert.equal(wantsRestart(withPolicy('always'), 0, false), true);
    assert.equal(wantsRestart(withPolicy('unless-stopped'), 1, false), true);
    assert.equal(wantsRestart(withPolicy('always'), 0, true), false);
    assert.equal(wantsRestart(withPolicy('no'), 1, false), false);
  });

  it('on-failure restarts on non-zero exits, up to the retry count', () => {
    assert.equal(wantsRestart(withPolicy('on-failure'), 0, false), false);
    assert.equal(wantsRestart(withPolicy('on-failure', 2, 1), 3, false), true);
    assert.equal(wantsRestart(withPolicy('on-failure', 2, 2), 3, false), false);
    assert.equal(wantsRestart(withPolicy('on-failure', 0, 99), 3, false), true);
  });
});
