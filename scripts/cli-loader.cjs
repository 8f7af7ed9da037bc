#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// berth: loads the bundled CLI (berth-main.cjs) with V8's code cache (berth-main.cjs.cache,
// written by scripts/bundle.mjs). Node 20 has no compile cache of its own, and compiling the
// ~400 KB bundle is most of the CLI's start-up; with the cache V8 skips it. A cache that does
// not match (another Node, an edited bundle) is rejected by V8 and the bundle compiles as usual.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, 'berth-main.cjs');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.BERTH_WRITE_CODE_CACHE === '1') {
  // Build time: after a representative run, so the functions it compiled are in the cache too.
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(dirname(file));
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
