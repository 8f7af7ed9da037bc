#!/usr/bin/env node
// berthd's start-up after kill -9 with running containers: how long until `_ping` answers (the
// time a client waits), and how much of it the start-up reconcile takes (berthd's own log line).
// A benchmark, not a test.
//
//   npm run build && node bench/restart-ping.mjs [--containers 20] [--runs 5] [--root DIR] [--debug]
//
// --root: the checkout whose dist/ to run (default this one), e.g. an older build to compare with.
// Uses the e2e harness: a private berthd with its own data root and network names, removed after.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, flag, median, REPO, strArg } from './lib.mjs';

const N = arg('containers', 20);
const RUNS = arg('runs', 5);
const root = resolve(strArg('root', REPO));
const { startDaemon } = await import(pathToFileURL(join(root, 'dist', 'test', 'e2e', 'harness.js')).href);

const d = await startDaemon(flag('debug') ? { args: ['-D'] } : {});
try {
  for (let i = 0; i < N; i++) {
    const ports = i % 2 === 0 ? ['-p', '127.0.0.1::80'] : [];
    const r = await d.docker(['run', '-d', '--name', `c${i}`, ...ports, 'busybox', 'sleep', '3600']);
    if (r.code !== 0) throw new Error(`run c${i}: ${r.stderr}`);
  }
  const pings = [];
  const reconciles = [];
  for (let run = 0; run < RUNS; run++) {
    await d.kill9();
    const mark = d.log().length;
    const t0 = performance.now();
    await d.restart(); // resolves at the first `_ping` that answers 200 (polled every 25 ms)
    pings.push(performance.now() - t0);
    const m = /start-up reconcile took (\d+) ms/.exec(d.log().slice(mark));
    if (m) reconciles.push(Number(m[1]));
    if (flag('debug')) for (const l of d.log().slice(mark).split('\n')) if (/timing start-up/.test(l)) console.log(l);
  }
  const ms = (xs) => xs.map((x) => Math.round(x)).join(' ');
  console.log(`${N} running containers, ${RUNS} restarts after kill -9 (${root})`);
  console.log(`_ping after restart: median ${Math.round(median(pings))} ms  [${ms(pings)}]`);
  if (reconciles.length) console.log(`start-up reconcile: median ${Math.round(median(reconciles))} ms  [${ms(reconciles)}]`);
  const running = (await d.docker(['ps', '-q'])).stdout.trim().split('\n').filter(Boolean).length;
  console.log(`containers still running: ${running} of ${N}`);
} finally {
  await d.stop();
}
