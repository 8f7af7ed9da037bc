import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('./last-resort.js', import.meta.url));

/** Runs a Node process that installs the policy, maybe marks it serving, then lets errors escape. */
function run(serving: boolean): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const script = `
    const { installLastResort } = await import(${JSON.stringify(MODULE)});
    const lr = installLastResort((m) => process.stderr.write(m + '\\n'));
    if (${serving}) lr.serving();
    setTimeout(() => { throw new TypeError('input.unpipe is not a function'); }, 10);
    setTimeout(() => void Promise.reject(new Error('nobody awaits this')), 20);
    setTimeout(() => { process.stdout.write('still serving'); process.exit(0); }, 100);
  `;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }, (err, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

test('once serving, an escaped error is logged with its stack and the process lives on', async () => {
  const r = await run(true);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'still serving');
  assert.match(r.stderr, /ERROR: uncaught exception \(a bug; berthd keeps serving\): TypeError: input.unpipe is not a function\n\s+at /);
  assert.match(r.stderr, /ERROR: unhandled promise rejection \(a bug; berthd keeps serving\): Error: nobody awaits this/);
});

test('during start-up, an escaped error fails the start', async () => {
  const r = await run(false);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /failed to start daemon: uncaught exception: TypeError: input.unpipe is not a function/);
});
