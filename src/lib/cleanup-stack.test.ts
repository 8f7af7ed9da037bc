import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CleanupStack } from './cleanup-stack.js';

test('releases run last first, each awaited before the next', async () => {
  const order: string[] = [];
  const undo = new CleanupStack();
  undo.defer(() => order.push('mount'));
  undo.defer(async () => {
    await new Promise((r) => setImmediate(r));
    order.push('network');
  });
  undo.defer(() => order.push('runtime'));
  await undo.releaseAll();
  assert.deepEqual(order, ['runtime', 'network', 'mount']);
});

test('a failing release does not stop the ones before it; its error goes to onError', async () => {
  const order: string[] = [];
  const errors: unknown[] = [];
  const undo = new CleanupStack((err) => errors.push(err));
  undo.defer(() => order.push('first'));
  undo.defer(() => Promise.reject(new Error('umount: busy')));
  undo.defer(() => {
    throw new Error('runc delete failed');
  });
  await undo.releaseAll();
  assert.deepEqual(order, ['first']);
  assert.deepEqual(
    errors.map((e) => (e as Error).message),
    ['runc delete failed', 'umount: busy'],
  );
});

test('dismiss keeps everything; releaseAll runs each release once', async () => {
  let runs = 0;
  const undo = new CleanupStack();
  undo.defer(() => runs++);
  undo.dismiss();
  await undo.releaseAll();
  assert.equal(runs, 0);
  undo.defer(() => runs++);
  await undo.releaseAll();
  await undo.releaseAll();
  assert.equal(runs, 1);
});
