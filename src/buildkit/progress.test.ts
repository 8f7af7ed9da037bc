import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { BuildProgress, coalescing, type StatusResponse } from './progress.js';

/** What a Status call would send for `p`, as [vertex names (✓ completed), status ids, log texts] per message. */
function watch(p: BuildProgress): { sent: string[][][]; ended: () => boolean; drop: () => void } {
  const sent: string[][][] = [];
  let ended = false;
  const out = coalescing(
    (r: StatusResponse) =>
      sent.push([r.vertexes.map((v) => `${v.name}${v.completed ? ' ✓' : ''}`), r.statuses.map((s) => s.ID), r.logs.map((l) => l.msg.toString())]),
    () => (ended = true),
  );
  p.subscribe(out.listener);
  return { sent, ended: () => ended, drop: out.drop };
}

describe('Status responses coalesced', () => {
  it('sends the vertexes of one turn of the event loop as one response', async () => {
    const p = new BuildProgress('ref');
    const w = watch(p);
    for (const name of ['[1/3] FROM base', '[2/3] RUN a', '[3/3] COPY b']) p.vertex(name, { cached: true }).complete({ cached: true });
    assert.deepEqual(w.sent, [], 'nothing sent within the turn');
    await tick();
    assert.deepEqual(w.sent, [[['[1/3] FROM base', '[1/3] FROM base ✓', '[2/3] RUN a', '[2/3] RUN a ✓', '[3/3] COPY b', '[3/3] COPY b ✓'], [], []]]);
  });

  it('never lets a vertex, status or log overtake one sent before it', async () => {
    const p = new BuildProgress('ref');
    const w = watch(p);
    const v = p.vertex('[1/2] RUN x');
    v.status('step', 1, 2, false);
    v.log('out 1\n');
    v.log('out 2\n');
    v.complete();
    p.vertex('[2/2] RUN y').log('y\n');
    await tick();
    assert.deepEqual(w.sent, [
      [['[1/2] RUN x'], ['step'], ['out 1\n', 'out 2\n']],
      [['[1/2] RUN x ✓', '[2/2] RUN y'], [], ['y\n']],
    ]);
  });

  it('sends what is pending before the end, and nothing after a drop', async () => {
    const p = new BuildProgress('ref');
    const w = watch(p);
    p.vertex('a').complete();
    p.finish();
    assert.deepEqual(w.sent, [[['a', 'a ✓'], [], []]]);
    assert.ok(w.ended());

    const q = new BuildProgress('ref2');
    const d = watch(q);
    q.vertex('b');
    d.drop();
    await tick();
    assert.deepEqual(d.sent, []);
  });
});
