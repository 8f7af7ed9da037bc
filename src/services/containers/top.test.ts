import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePs } from './top.js';

describe('top: ps output', () => {
  it('keeps the rows of the given pids; the command keeps its spaces', () => {
    const out =
      'UID   PID  PPID  C STIME TTY   TIME     CMD\nroot  10   1     0 06:27 ?     00:00:00 sleep 1000\nroot  11   1     0 06:27 ?     00:00:00 other\n';
    assert.deepEqual(parsePs(out, new Set([10])), {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: [['root', '10', '1', '0', '06:27', '?', '00:00:00', 'sleep 1000']],
    });
  });

  it('needs a PID column', () => {
    assert.throws(() => parsePs('USER CMD\n', new Set()), /Couldn't find PID field/);
  });
});
