import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import { verifyContainerSettings } from './verify.js';

test("OomScoreAdj within the kernel's [-1000, 1000], in Docker's words", () => {
  for (const ok of [-1000, 0, 500, 1000]) verifyContainerSettings({}, { OomScoreAdj: ok });
  for (const bad of [-1001, 1001])
    assert.throws(
      () => verifyContainerSettings({}, { OomScoreAdj: bad }),
      (err) => isKind(err, 'InvalidArgument') && (err as Error).message === `Invalid value ${bad}, range for oom score adj is [-1000, 1000]`,
    );
});
