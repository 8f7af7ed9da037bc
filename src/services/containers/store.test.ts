import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { record } from './spec/fixture.js';
import { ContainerStore } from './store.js';

const rec = (id: string, name: string, status: 'exited' | 'removing' = 'exited') => {
  const r = record();
  r.Id = id;
  r.Name = name;
  r.State = { ...r.State, Status: status };
  return r;
};
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('retire: gone from lookups at once, the record stays on disk until the release ends', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = await ContainerStore.open(root);
  await store.save(rec(A, 'web', 'removing'));
  let finish!: () => void;
  const released = new Promise<void>((r) => (finish = r));
  store.retire(
    A,
    () => released,
    (err) => assert.fail(err),
    [],
  );
  assert.equal(store.find(A), undefined);
  assert.equal(store.find('web'), undefined);
  assert.equal(store.hasName('web'), false, 'the name is free while the release runs');
  assert.ok(existsSync(join(root, A, 'record.json')), 'a crash now finds the removing record at the next start');
  await store.save(rec(B, 'web'));
  finish();
  await store.settled();
  assert.equal(existsSync(join(root, A)), false);
  assert.equal(store.find('web')?.Id, B, 'the newer container keeps the name');
});

test('a failed release keeps the record for the next start; a left-over removing record never takes a live name', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = await ContainerStore.open(root);
  await store.save(rec(B, 'web'));
  await store.save(rec(A, 'web', 'removing')); // as a crash leaves it: same name, older container
  const errors: string[] = [];
  store.retire(
    A,
    () => Promise.reject(new Error('umount: busy')),
    (err, retrying) => errors.push(`${err.message} ${retrying}`),
    [],
  );
  await store.settled();
  assert.deepEqual(errors, ['umount: busy false']);
  assert.ok(existsSync(join(root, A, 'record.json')));
  const reopened = await ContainerStore.open(root);
  assert.equal(reopened.find('web')?.Id, B);
  assert.equal(reopened.find(A)?.State.Status, 'removing');
  await reopened.delete(A);
  assert.equal(reopened.find('web')?.Id, B, 'deleting the old record leaves the name with its owner');
});

test('a failed release is tried again later, and the directory goes when it succeeds', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = await ContainerStore.open(root);
  await store.save(rec(A, 'web', 'removing'));
  let tries = 0;
  const errors: string[] = [];
  const retried = new Promise<void>((resolve) => {
    store.retire(
      A,
      async () => {
        if (++tries === 1) throw new Error('umount: busy');
        resolve();
      },
      (err, retrying) => errors.push(`${err.message} ${retrying}`),
      [10],
    );
  });
  await store.settled();
  assert.deepEqual(errors, ['umount: busy true']);
  const alive = setTimeout(() => undefined, 5_000); // the retry's timer does not hold the process
  await retried;
  clearTimeout(alive);
  await store.settled();
  assert.equal(tries, 2);
  assert.equal(existsSync(join(root, A)), false);
});

test('a release failing for a full disk is tried again for as long as the disk stays full, reported once', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = await ContainerStore.open(root);
  await store.save(rec(A, 'web', 'removing'));
  let full = 5; // more failures than the schedule has retries
  const errors: string[] = [];
  let done!: () => void;
  const gone = new Promise<void>((r) => (done = r));
  store.retire(
    A,
    async () => {
      if (full-- > 0) throw Object.assign(new Error('ENOSPC: no space left on device, unlink'), { code: 'ENOSPC' });
      done();
    },
    (err, retrying) => errors.push(`${err.message} ${retrying}`),
    [1, 1],
  );
  const alive = setInterval(() => undefined, 1000); // the retry timers are unref'd, as in berthd
  try {
    await gone;
    await eventuallyGone(join(root, A));
  } finally {
    clearInterval(alive);
  }
  assert.deepEqual(errors, ['ENOSPC: no space left on device, unlink true']);
});

async function eventuallyGone(path: string): Promise<void> {
  for (let i = 0; i < 200 && existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(existsSync(path), false);
}

test('claimName: the second claim of a name conflicts at once; a failed create or rename gives it back', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = await ContainerStore.open(root);
  assert.equal(store.claimName('/web', A), 'web');
  assert.throws(() => store.claimName('web', B), new RegExp(`The container name "/web" is already in use by container "${A}"`));
  assert.equal(store.find('web'), undefined, 'a claim without a record finds nothing');
  store.releaseName('web', B); // not B's claim: left alone
  assert.equal(store.hasName('web'), true);
  store.releaseName('web', A);
  assert.equal(store.hasName('web'), false);

  const b = rec(B, 'db');
  await store.save(b);
  await store.rename(b, 'web');
  assert.equal(store.find('web')?.Id, B);
  assert.equal(store.hasName('db'), false, 'the old name is free after a rename');
  assert.throws(() => store.claimName('web', A), /already in use/);
});

test('a save under way when the container is retired does not bring it back, and none after it', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const store = await ContainerStore.open(root);
  const r = rec(A, 'web', 'exited');
  await store.save(r);
  // A writer (a health check's first record) starts while the container runs, then it is removed.
  const late = store.save(r);
  r.State = { ...r.State, Status: 'removing' };
  store.retire(
    A,
    async () => undefined,
    (err) => assert.fail(err),
    [],
  );
  await late;
  assert.equal(store.find(A), undefined, 'the late save left it out of the lookups');
  assert.equal(
    store.all().some((c) => c.Id === A),
    false,
  );
  await store.settled();
  await store.save(r);
  assert.equal(store.find(A), undefined);
  assert.equal(existsSync(join(root, A)), false, 'a save after the removal writes no record again');
});
