import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Daemon, dockerOk, startDaemon } from './harness.js';

// A container that swaps a directory and a symlink to a host path with renameat2(RENAME_EXCHANGE)
// in a loop, as an attacker would, while the engine copies into and out of it, exports, commits and
// diffs it, and copies image content up into a volume it shares: nothing may be written into the
// host directory and the host file's bytes may never come back.

const SWAPPER_C = `
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
/* swap A B [TARGET]: exchanges A and B forever; with TARGET, B is (re)made a symlink to TARGET
   whenever A exists and B does not (for a volume that must look empty until it is written). */
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  struct timespec pause = {0, 20000};
  struct stat st;
  for (unsigned long i = 0;; i++) {
    if (argc > 3 && lstat(argv[2], &st) != 0 && lstat(argv[1], &st) == 0) symlink(argv[3], argv[2]);
    syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
    if ((i & 15) == 0) nanosleep(&pause, NULL); /* leave the CPU to others now and then */
  }
}
`;

const run = promisify(execFile);

describe('race-free container file access', () => {
  let d: Daemon;
  let work: string;
  let hostDir: string;
  let canary: string;
  let swapper: string;
  const canaryName = `canary-${process.pid}`;

  /** Files the race put into the host directory (removed after counting, so each escape counts once). */
  async function escapes(): Promise<string[]> {
    const extra = (await readdir(hostDir)).filter((n) => n !== canaryName);
    for (const n of extra) await rm(join(hostDir, n), { recursive: true, force: true });
    return extra;
  }

  before(async () => {
    d = await startDaemon();
    work = await mkdtemp(join(tmpdir(), 'berth-fsrace-'));
    hostDir = join(work, 'host');
    await mkdir(hostDir);
    canary = `HOST-CANARY-${randomBytes(16).toString('hex')}`;
    await writeFile(join(hostDir, canaryName), `${canary}\n`);
    await writeFile(join(work, 'swap.c'), SWAPPER_C);
    swapper = join(work, 'swap');
    await run('gcc', ['-static', '-O2', '-o', swapper, join(work, 'swap.c')]);
    // What `cp` copies in: a directory named like the raced one, and one named like its parent.
    for (const dir of ['src/d', 'src/w']) {
      await mkdir(join(work, dir), { recursive: true });
      for (let i = 0; i < 6; i++) await writeFile(join(work, dir, `in-${i}`), `copied ${i}\n`);
    }
  });
  after(async () => {
    await d?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const ok = (args: string[]): Promise<string> => dockerOk(d, args);

  it('cp in/out, export, diff and commit --pause=false never reach the host while /w and /w/d are swapped with symlinks to it', async () => {
    await ok(['run', '-d', '--name', 'racer', 'busybox', 'sleep', '1000']);
    await ok(['cp', swapper, 'racer:/swap']);
    await ok(['exec', 'racer', 'sh', '-c', `mkdir -p /w/d && echo inner > /w/d/f && echo top > /w/f && ln -s ${hostDir} /w/l && ln -s ${hostDir} /wl`]);
    await ok(['exec', '-d', 'racer', '/swap', '/w', '/wl']);
    await ok(['exec', '-d', 'racer', '/swap', '/w/d', '/w/l']);

    const counts = { cpIn: 0, cpOut: 0, export: 0, diff: 0, commit: 0 };
    const succeeded = { cpIn: 0, cpOut: 0, export: 0, diff: 0, commit: 0 };
    const escaped: string[] = [];
    const leaked: string[] = [];
    const failures: string[] = [];
    const deadline = Date.now() + 25_000;
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      const op = i % 6;
      if (op === 0 || op === 3) {
        // Into /w/ (its d is swapped), or into / (w itself is swapped).
        const r = await d.docker(['cp', join(work, op === 0 ? 'src/d' : 'src/w'), op === 0 ? 'racer:/w/' : 'racer:/']);
        counts.cpIn++;
        if (r.code === 0) succeeded.cpIn++;
        if (/500|Internal/i.test(r.stderr)) failures.push(`cp in: ${r.stderr}`);
        escaped.push(...(await escapes()));
      } else if (op === 1 || op === 4) {
        const r = await d.docker(['cp', op === 1 ? 'racer:/w' : 'racer:/w/d', '-']);
        counts.cpOut++;
        if (r.code === 0) succeeded.cpOut++;
        if (r.stdout.includes(canary)) leaked.push('cp out');
      } else if (op === 2) {
        const r = await d.docker(['diff', 'racer']);
        counts.diff++;
        if (r.code === 0) succeeded.diff++;
        if (r.stdout.includes(canaryName)) leaked.push('diff');
      } else if (i % 12 === 5) {
        const r = await d.docker(['export', 'racer']);
        counts.export++;
        if (r.code === 0) succeeded.export++;
        if (r.stdout.includes(canary)) leaked.push('export');
      } else {
        const r = await d.docker(['commit', '--pause=false', 'racer', `raced:${i}`]);
        counts.commit++;
        if (r.code === 0) succeeded.commit++;
        else failures.push(`commit: ${r.stderr}`);
      }
    }
    escaped.push(...(await escapes()));
    // Committed layers are stored uncompressed: the canary's bytes would be in a blob.
    const blobs = join(d.dataRoot, 'content', 'blobs', 'sha256');
    for (const b of await readdir(blobs)) if ((await readFile(join(blobs, b))).includes(canary)) leaked.push(`commit blob ${b}`);
    process.stderr.write(
      `# fs-races: ${JSON.stringify(counts)}, succeeded ${JSON.stringify(succeeded)}; escaped files ${escaped.length}; leaks ${leaked.length} (${[...new Set(leaked)].join(', ')})\n`,
    );
    assert.deepEqual(escaped, [], 'files written into the host directory');
    assert.deepEqual(leaked, [], 'host file content read');
    assert.deepEqual(failures, [], 'server errors');
    assert.equal((await readFile(join(hostDir, canaryName), 'utf8')).trim(), canary, 'the host file is untouched');
    await ok(['rm', '-f', 'racer']);
  });

  it('volume copy-up into a volume another container swaps never writes through to the host', async () => {
    // An image with content at /data to be copied up into an empty volume.
    await ok(['run', '--name', 'seed', 'busybox', 'sh', '-c', 'mkdir -p /data/x && for i in $(seq 1 40); do echo $i > /data/x/f$i; done']);
    await ok(['commit', 'seed', 'seeded']);
    await ok(['rm', 'seed']);
    // Unraced, copy-up brings the content with its owners and modes.
    await ok(['run', '--rm', '-v', 'calm:/data', 'seeded', 'true']);
    assert.equal((await ok(['run', '--rm', '-v', 'calm:/v', 'busybox', 'sh', '-c', 'ls /v/x | wc -l; cat /v/x/f40'])).trim().split(/\s+/).join(' '), '40 40');
    await ok(['run', '-d', '--name', 'sharer', '-v', 'shared:/vol', 'busybox', 'sleep', '1000']);
    await ok(['cp', swapper, 'sharer:/swap']);
    // As soon as copy-up makes /vol/x, the sharer puts a symlink to the host next to it and swaps them.
    await ok(['exec', '-d', 'sharer', '/swap', '/vol/x', '/vol/l', hostDir]);
    const escaped: string[] = [];
    let rounds = 0;
    let started = 0;
    const deadline = Date.now() + 20_000;
    for (; rounds < 40 && Date.now() < deadline; rounds++) {
      // The swapper may be mid-exchange: remove until the volume is empty again.
      await ok(['exec', 'sharer', 'sh', '-c', 'for i in $(seq 1 100); do rm -rf /vol/x /vol/l 2>/dev/null; [ -z "$(ls -A /vol)" ] && exit 0; done; exit 1']);
      if ((await d.docker(['run', '--rm', '-v', 'shared:/data', 'seeded', 'true'])).code === 0) started++;
      escaped.push(...(await escapes()));
    }
    process.stderr.write(`# fs-races: copy-up rounds ${rounds} (${started} started, the others refused a swapped path); escaped files ${escaped.length}\n`);
    assert.deepEqual(escaped, [], 'files written into the host directory');
    assert.equal((await readFile(join(hostDir, canaryName), 'utf8')).trim(), canary);
    await ok(['rm', '-f', 'sharer']);
  });
});
