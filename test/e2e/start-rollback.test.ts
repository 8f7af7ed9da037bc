/**
 * A start that fails half-way gives back everything it took (services/containers/start.ts, its
 * CleanupStack): runc state, conmon, the rootfs mount, the network namespace, CNI results, IPAM
 * leases and published-port DNAT rules — whether it fails in runc create (the command does not
 * exist) or before it (the user does not exist), on the default bridge or a user network — and it
 * can be tried again with the same result. All traffic stays on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Daemon, dockerOk, startDaemon } from './harness.js';
import { holdings, nothing } from './holdings.js';
import { freePort } from './loopback.js';

describe('a failed start is rolled back', { timeout: 300_000 }, () => {
  let d: Daemon;

  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const ok = (args: string[]): Promise<string> => dockerOk(d, args);

  /** Runs `args`, which must fail to start the container; returns the container's ID. */
  async function failsToStart(args: string[], name: string, message: RegExp): Promise<string> {
    const r = await d.docker(args, { timeoutMs: 60_000 });
    assert.notEqual(r.code, 0, `docker ${args.join(' ')} succeeded`);
    assert.match(r.stderr, message);
    const id = (await ok(['inspect', '-f', '{{.Id}}', name])).trim();
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', name])).trim(), 'created');
    return id;
  }

  it('a command that does not exist (runc create fails): nothing of the container is left, and a second start leaves nothing either', async () => {
    const port = await freePort();
    const id = await failsToStart(
      ['run', '-d', '--name', 'nocmd', '-p', `127.0.0.1:${port}:80`, 'busybox', '/no/such/cmd'],
      'nocmd',
      /no such file or directory|not found/,
    );
    assert.equal((await ok(['inspect', '-f', '{{.State.ExitCode}}', 'nocmd'])).trim(), '127');
    assert.deepEqual(await holdings(d, id), nothing);

    const again = await d.docker(['start', 'nocmd'], { timeoutMs: 60_000 });
    assert.notEqual(again.code, 0);
    assert.deepEqual(await holdings(d, id), nothing);
    // Its port is published by the next container that asks (no rule of the failed start is in the way).
    await ok(['run', '-d', '--name', 'taker', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sleep', '1000']);
    await ok(['rm', '-f', 'taker', 'nocmd']);
  });

  it('a user that does not exist (fails before runc create) on a user network: its lease and namespace are released', async () => {
    await ok(['network', 'create', 'rollback-net']);
    const id = await failsToStart(
      ['run', '-d', '--name', 'nouser', '--network', 'rollback-net', '--user', 'nosuchuser', 'busybox', 'true'],
      'nouser',
      /nosuchuser/,
    );
    assert.deepEqual(await holdings(d, id), nothing);
    await ok(['rm', 'nouser']);
    await ok(['network', 'rm', 'rollback-net']);
  });

  it('every release succeeded (none was logged as failing)', () => {
    assert.doesNotMatch(d.log(), /rolling back the start of/);
  });
});
