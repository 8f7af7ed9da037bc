#!/usr/bin/env node
// Writes docs/conformance.md from the conformance suite's last results (dist/conformance/*.json,
// written by test/conformance/*.test.ts). Run the suite with a Docker engine up first
// (bench/docker-engine.sh start), so the Docker column is filled:
//   node --test dist/test/conformance/ && node scripts/conformance-table.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { readSuites, renderTable } = await import(pathToFileURL(join(ROOT, 'dist/test/conformance/report.js')).href);
writeFileSync(join(ROOT, 'docs', 'conformance.md'), renderTable(readSuites()));
process.stdout.write('wrote docs/conformance.md\n');
