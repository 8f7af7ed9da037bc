import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type Daemon } from './harness.js';

// `events`: the ring replays with --since/--until, filters apply, and both CLIs print it.
describe('events', () => {
  let d: Daemon;
  let since = '';
  before(async () => {
    d = await startDaemon();
    since = (Date.now() / 1000).toFixed(3);
    await d.berth(['run', '--rm', '--name', 'evt', '-l', 'team=blue', 'busybox', 'true']);
  });
  after(() => d?.stop());

  it('berth events replays the container lifecycle in order', async () => {
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const r = await d.berth(['events', '--since', since, '--until', until, '--filter', 'container=evt']);
    assert.equal(r.code, 0, r.stderr);
    const actions = r.stdout.trim().split('\n').map((l) => l.split(' ')[2]);
    assert.deepEqual(actions, ['create', 'start', 'die', 'destroy']);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container create [0-9a-f]{64} \(image=busybox, name=evt, team=blue\)$/m);
    assert.match(r.stdout, /container die [0-9a-f]{64} \(exitCode=0, image=busybox, name=evt, team=blue\)/);
  });

  it('filters by event, label and type, and formats with templates (docker CLI too)', async () => {
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const r = await d.docker(['events', '--since', since, '--until', until, '--filter', 'event=die', '--filter', 'label=team=blue', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'container die evt 0\n');
    const images = await d.berth(['events', '--since', since, '--until', until, '--filter', 'type=image']);
    assert.equal(images.stdout, '');
    const bad = await d.berth(['events', '--since', since, '--until', until, '--filter', 'type=bogus']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid filter 'type=bogus'/);
  });

  it('streams live events until --until passes', async () => {
    // --since now: whatever happens before the CLI has subscribed is replayed from the ring, the rest is live.
    const from = (Date.now() / 1000).toFixed(3);
    const until = (Date.now() / 1000 + 4).toFixed(3);
    const watching = d.berth(['events', '--since', from, '--until', until, '--filter', 'event=start', '--format', '{{.Actor.Attributes.name}}']);
    await new Promise((r) => setTimeout(r, 300));
    await d.berth(['run', '--rm', '--name', 'live', 'busybox', 'true']);
    const r = await watching;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'live\n');
  });
});
