// Bundles the CLI and the daemon into one file each (start-up time: one file to load, no module resolution).
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

const entries = { berth: 'src/cli/main.ts', berthd: 'src/daemon/main.ts' };
for (const [name, entry] of Object.entries(entries)) {
  const outfile = `dist/bin/${name}.mjs`;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  await chmod(outfile, 0o755);
}
