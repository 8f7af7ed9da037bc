import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { claimPidFile } from './pidfile.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const stateOf = async (pid: number): Promise<string> => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
};

/** Spawns `argv` and returns its first line of output as a number (a pid it reports). */
async function spawnReporting(argv: string[]): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString())));
  return { child, pid: Number(line.trim()) };
}

describe('pid file', () => {
  const children: ChildProcess[] = [];
  let dir = '';
  after(async () => {
    for (const c of children) if (c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a berthd killed but not yet reaped (zombie) does not refuse the start', async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-pidfile-'));
    // The exec'd sleep is the parent of the background `sleep 0` and never reaps it: a zombie.
    const { child, pid } = await spawnReporting(['sh', '-c', 'sleep 0 & echo $!; exec sleep 30']);
    children.push(child);
    for (const end = Date.now() + 5000; (await stateOf(pid)) !== 'Z'; await sleep(20)) assert.ok(Date.now() < end, `pid ${pid} never became a zombie`);
    const path = join(dir, 'berthd.pid');
    await writeFile(path, `${pid}\n`);
    const release = await claimPidFile(path);
    assert.equal((await readFile(path, 'utf8')).trim(), String(process.pid));
    await release();
  });

  it('a live berthd refuses the start', async () => {
    const { child, pid } = await spawnReporting(['bash', '-c', 'echo $$; exec -a berthd-pidfile-test sleep 30']);
    children.push(child);
    for (const end = Date.now() + 5000; !(await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('berthd'); await sleep(20)) assert.ok(Date.now() < end);
    const path = join(dir, 'live.pid');
    await writeFile(path, `${pid}\n`);
    await assert.rejects(claimPidFile(path), /pid file found, ensure berthd is not running/);
  });
});
