// Bundles the CLI and the daemon into one file each (start-up time: one file to load, no module
// resolution). The CLI is CommonJS: on Node 20 that starts ~8 ms faster than an ES module.
// Then builds the dashboard page (web/, Vite) into dist/web, which berthd serves.
// `berth.cjs` is a small loader (scripts/cli-loader.cjs) that runs the bundle `berth-main.cjs`
// with a V8 code cache made here, so a CLI run does not compile the bundle again.
import { build } from 'esbuild';
import { build as buildPage } from 'vite';
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, rm } from 'node:fs/promises';

import { createRequire } from 'node:module';

/**
 * The CLI loads a Node built-in only when it is used: a short `berth run` never needs TLS, zlib,
 * crypto, readline or child_process (commander requires it for executable subcommands, which
 * berth has none of), and loading them is ≈ 10 ms of every start. Each import of one of these
 * becomes an object of lazy getters, one per export the built-in has (so esbuild's interop copies
 * getters, and nothing loads until a property is read).
 */
const LAZY_BUILTINS = /^node:(child_process|https|tls|zlib|crypto|readline|readline\/promises)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const req = createRequire(import.meta.url);
    b.onResolve({ filter: LAZY_BUILTINS }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const keys = Object.keys(req(args.path));
      return {
        contents: `let m; const load = () => (m ??= require(${JSON.stringify(args.path)}));
for (const k of ${JSON.stringify(keys)}) Object.defineProperty(module.exports, k, { enumerable: true, get: () => load()[k] });`,
        loader: 'js',
      };
    });
  },
};

const targets = [
  { name: 'berth-main', entry: 'src/cli/main.ts', format: 'cjs', ext: 'cjs', banner: '', plugins: [lazyBuiltins] },
  {
    name: 'berthd',
    entry: 'src/daemon/main.ts',
    format: 'esm',
    ext: 'mjs',
    banner: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
];
for (const t of targets) {
  const outfile = `dist/bin/${t.name}.${t.ext}`;
  await build({
    entryPoints: [t.entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: t.format,
    target: 'node20',
    sourcemap: 'linked',
    banner: { js: t.banner },
    logLevel: 'warning',
    plugins: t.plugins ?? [],
    // jsonc-parser's UMD main loads its parts with a dynamic require esbuild cannot follow.
    alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  });
  await chmod(outfile, 0o755);
}
await rm('dist/bin/berth.mjs', { force: true });
await rm('dist/bin/berth.mjs.map', { force: true });

await copyFile('scripts/cli-loader.cjs', 'dist/bin/berth.cjs');
await chmod('dist/bin/berth.cjs', 0o755);
await rm('dist/bin/berth-main.cjs.cache', { force: true });
// The cache holds what a run compiles: `--help` walks every command's declaration.
const env = { ...process.env, BERTH_WRITE_CODE_CACHE: '1' };
const made = spawnSync(process.execPath, ['dist/bin/berth.cjs', '--help'], { env, stdio: 'ignore' });
if (made.status !== 0) console.warn('bundle: no code cache for the CLI (berth --help failed); it will compile at each start');

await buildPage({ configFile: 'web/vite.config.mjs' });
