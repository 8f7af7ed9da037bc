#!/usr/bin/env node
// The whole benchmark suite in one command: runs every benchmark in bench/ (each with its own
// private berthd, next to the Docker engine on /var/run/docker.sock when one answers), prints one
// table (benchmark, berth, Docker, ratio, target, met?) and saves it as JSON in
// bench/results/<date>.json. Needs `npm run build` (dist/) and root.
//
//   node bench/run-all.mjs [--quick] [--only run-latency,scale,…] [--with-docker]
//
// --quick: fewer runs and smaller inputs (minutes instead of tens of minutes).
// --with-docker: start a Docker engine with bench/docker-engine.sh when none answers (left running).
// Each benchmark writes its rows with `--json FILE` (see writeRows in lib.mjs); one that fails is
// reported and the others still run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerUp, flag, REPO, strArg } from './lib.mjs';

const QUICK = flag('quick');
const BENCHES = ['run-latency', 'scale', 'build', 'save-load', 'pull', 'logs'];
const only = strArg('only')?.split(',');

if (!dockerUp() && flag('with-docker')) spawnSync('bash', [join(REPO, 'bench/docker-engine.sh'), 'start'], { stdio: 'inherit' });
const docker = dockerUp();
if (!docker) process.stderr.write('run-all: no Docker engine answers on /var/run/docker.sock: berth only (bench/docker-engine.sh start, or --with-docker)\n');

const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-all-'));
const started = new Date();
const results = { date: started.toISOString(), quick: QUICK, host: { cpus: cpus().length, load: loadavg() }, docker, benches: {}, rows: [] };
try {
  for (const name of BENCHES) {
    if (only && !only.includes(name)) continue;
    const script = join(REPO, 'bench', `${name}.mjs`);
    if (!existsSync(script)) continue; // logs.mjs arrives with the log drivers
    const json = join(tmp, `${name}.json`);
    process.stderr.write(`run-all: ${name} …\n`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [script, ...(QUICK ? ['--quick'] : []), '--json', json], { stdio: ['ignore', 'inherit', 'inherit'] });
    const seconds = (performance.now() - t0) / 1000;
    const rows = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')).rows : [];
    results.benches[name] = { exit: r.status, seconds: Math.round(seconds) };
    if (r.status !== 0 || rows.length === 0)
      process.stderr.write(`run-all: ${name} ${r.status !== 0 ? `failed (exit ${r.status ?? r.signal})` : 'wrote no rows'}\n`);
    results.rows.push(...rows.map((row) => ({ ...row, ratio: row.berth && row.docker ? row.berth / row.docker : undefined })));
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// One table.
const fmt = (v, unit) => (v === undefined || v === null ? '-' : `${unit === 'ms' ? v.toFixed(0) : v.toFixed(1)} ${unit}`);
const table = [['benchmark', 'berth', 'Docker', 'ratio', 'target', 'met?']];
for (const r of results.rows) {
  const met = r.target === undefined ? '' : r.ratio === undefined ? '?' : r.ratio <= r.target ? 'yes' : 'NO';
  table.push([
    r.bench,
    fmt(r.berth, r.unit),
    fmt(r.docker, r.unit),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`,
    r.target === undefined ? '' : `≤ ${r.target.toFixed(2)}×`,
    met,
  ]);
}
const w = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
console.log(
  `\nberth vs Docker, ${started.toISOString()}${QUICK ? ' (--quick)' : ''}; ${cpus().length} CPUs, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
console.log(line(table[0]));
console.log(w.map((n) => '-'.repeat(n)).join('  '));
for (const row of table.slice(1)) console.log(line(row));
for (const [name, b] of Object.entries(results.benches)) if (b.exit !== 0) console.log(`${name}: failed (exit ${b.exit}), see its output above`);

const dir = join(REPO, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nsaved ${file}`);
