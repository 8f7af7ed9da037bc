// Test support for the contract suites (`*.suite.ts`), not used by the engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { unmountAllUnder } from '../lib/fs/mounts.js';

/**
 * For a suite: a temp base dir made before its tests and, after them (whatever failed), cleared
 * of every mount under it and removed; and a maker of fresh paths inside it (not yet created, so a
 * store or snapshotter can open its own root there).
 */
export function suiteDirs(prefix: string): () => string {
  let base = '';
  let n = 0;
  before(async () => {
    base = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    if (base === '') return;
    await unmountAllUnder(base);
    await rm(base, { recursive: true, force: true });
  });
  return () => join(base, `d${n++}`);
}
