import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './harness.js';

interface Event {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  status?: string;
  id?: string;
  from?: string;
  scope: string;
}

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
    const actions = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[2]);
    assert.deepEqual(actions, ['create', 'attach', 'start', 'die', 'destroy']);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container create [0-9a-f]{64} \(image=busybox, name=evt, team=blue\)$/m);
    assert.match(r.stdout, /container die [0-9a-f]{64} \(exitCode=0, image=busybox, name=evt, team=blue\)/);
  });

  it('filters by event, label and type, and formats with templates (docker CLI too)', async () => {
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const r = await d.docker([
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'event=die',
      '--filter',
      'label=team=blue',
      '--format',
      '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}',
    ]);
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

  it("every action of a scripted session emits dockerd's event, in dockerd's order", async () => {
    const from = (Date.now() / 1000).toFixed(3);
    const tmp = join(d.dir, 'events-session');
    const steps: string[][] = [
      ['volume', 'create', 'evv'],
      ['network', 'create', 'evn'],
      ['run', '-d', '--name', 'evc', '-l', 'k=v', '-v', 'evv:/data', 'busybox', 'sleep', '100'],
      ['top', 'evc'],
      ['cp', 'evc:/etc/hostname', `${tmp}-hostname`],
      ['cp', `${tmp}-hostname`, 'evc:/tmp/'],
      ['export', '-o', `${tmp}-export.tar`, 'evc'],
      ['commit', '-m', 'msg', 'evc', 'evimg:c'],
      ['rename', 'evc', 'evc2'],
      ['update', '--cpu-shares', '512', 'evc2'],
      ['exec', 'evc2', 'true'],
      ['network', 'connect', 'evn', 'evc2'],
      ['network', 'disconnect', 'evn', 'evc2'],
      ['pause', 'evc2'],
      ['unpause', 'evc2'],
      ['stop', '-t', '1', 'evc2'],
      ['tag', 'busybox', 'evimg:t'],
      ['save', '-o', `${tmp}-save.tar`, 'evimg:t'],
      ['load', '-i', `${tmp}-save.tar`],
      ['rm', 'evc2'],
      ['rmi', 'evimg:c', 'evimg:t'],
      ['volume', 'rm', 'evv'],
      ['network', 'rm', 'evn'],
    ];
    for (const step of steps) {
      const r = await d.docker(step);
      assert.equal(r.code, 0, `${step.join(' ')}: ${r.stderr}`);
    }
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const r = await d.docker(['events', '--since', from, '--until', until, '--format', '{{json .}}']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
    // Recorded from dockerd 20.10 for the same session (less its doubled `network disconnect` and
    // the volume mount/unmount pairs it logs around `cp`).
    assert.deepEqual(
      events.map((e) => `${e.Type} ${e.Action}`),
      [
        'volume create',
        'network create',
        'volume create',
        'container create',
        'network connect',
        'volume mount',
        'container start',
        'container top',
        'container archive-path',
        'container extract-to-dir',
        'container export',
        'container pause',
        'image tag',
        'container commit',
        'container unpause',
        'container rename',
        'container update',
        'container exec_create: true ',
        'container exec_start: true ',
        'container exec_die',
        'network connect',
        'network disconnect',
        'container pause',
        'container unpause',
        'container kill',
        'container kill',
        'container die',
        'network disconnect',
        'volume unmount',
        'container stop',
        'image tag',
        'image save',
        'image load',
        'container destroy',
        'image untag',
        'image delete',
        'image untag',
        'volume destroy',
        'network destroy',
      ],
    );
    const find = (type: string, action: string, n = 0): Event => events.filter((e) => e.Type === type && e.Action === action)[n]!;
    const cid = find('container', 'create').Actor.ID;
    const labelled = { image: 'busybox', k: 'v' };
    assert.deepEqual(find('container', 'create').Actor.Attributes, { ...labelled, name: 'evc' });
    assert.deepEqual(find('volume', 'mount').Actor, {
      ID: 'evv',
      Attributes: { container: cid, destination: '/data', driver: 'local', propagation: '', 'read/write': 'true' },
    });
    assert.deepEqual(find('volume', 'unmount').Actor, { ID: 'evv', Attributes: { container: cid, driver: 'local' } });
    assert.deepEqual(find('network', 'connect').Actor.Attributes, { container: cid, name: 'bridge', type: 'bridge' });
    assert.deepEqual(find('network', 'connect', 1).Actor.Attributes, { container: cid, name: 'evn', type: 'bridge' });
    const commit = find('container', 'commit').Actor.Attributes;
    assert.match(commit.imageID!, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(commit, { ...labelled, name: 'evc', comment: 'msg', imageID: commit.imageID, imageRef: 'evimg:c' });
    assert.deepEqual(find('image', 'tag').Actor, { ID: commit.imageID, Attributes: { k: 'v', name: 'evimg:c' } });
    assert.deepEqual(find('container', 'rename').Actor.Attributes, { ...labelled, name: 'evc2', oldName: '/evc' });
    assert.deepEqual(find('container', 'exec_die').Actor.Attributes, {
      ...labelled,
      name: 'evc2',
      execID: find('container', 'exec_die').Actor.Attributes.execID,
      exitCode: '0',
    });
    assert.deepEqual([find('container', 'kill').Actor.Attributes.signal, find('container', 'kill', 1).Actor.Attributes.signal], ['15', '9']);
    assert.equal(find('container', 'die').Actor.Attributes.exitCode, '137');
    const busybox = find('image', 'tag', 1).Actor.ID;
    assert.deepEqual(find('image', 'tag', 1).Actor.Attributes, { name: 'evimg:t' });
    for (const action of ['save', 'load']) assert.deepEqual(find('image', action).Actor, { ID: busybox, Attributes: { name: busybox } });
    assert.deepEqual(find('image', 'delete').Actor, { ID: commit.imageID, Attributes: { name: commit.imageID } });
    // The deprecated fields: container and image events carry status and id (containers also from).
    const start = find('container', 'start');
    assert.deepEqual([start.status, start.id, start.from, start.scope], ['start', cid, 'busybox', 'local']);
    assert.deepEqual([find('image', 'save').status, find('image', 'save').id], ['save', busybox]);
    assert.equal(find('volume', 'create').status, undefined);
  });

  it('an OOM kill is reported before the die', async () => {
    const from = (Date.now() / 1000).toFixed(3);
    const r = await d.docker(['run', '--name', 'oomy', '-m', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'x=a; while true; do x=$x$x; done']);
    assert.equal(r.code, 137, r.stderr);
    assert.equal((await d.docker(['inspect', '-f', '{{.State.OOMKilled}}', 'oomy'])).stdout, 'true\n');
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    const ev = await d.docker(['events', '--since', from, '--until', until, '--filter', 'container=oomy', '--format', '{{.Action}}']);
    assert.deepEqual(ev.stdout.trim().split('\n'), ['create', 'attach', 'start', 'oom', 'die']);
    await d.docker(['rm', 'oomy']);
  });

  it('since=0 and an until alone replay the ring from its start, as dockerd', async () => {
    const until = Math.ceil(Date.now() / 1000) + 1;
    for (const q of [`since=0&until=${until}`, `until=${until}`]) {
      const r = await d.api('GET', `/v1.41/events?${q}&filters=${encodeURIComponent('{"container":["evt"]}')}`);
      assert.equal(r.status, 200);
      const actions = r.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { Action: string }).Action);
      assert.deepEqual(actions, ['create', 'attach', 'start', 'die', 'destroy'], q);
    }
  });

  it('a bad --since is a 400', async () => {
    const r = await d.api('GET', '/v1.41/events?since=nonsense');
    assert.equal(r.status, 400);
    assert.match(r.body, /invalid timestamp: nonsense/);
  });
});
