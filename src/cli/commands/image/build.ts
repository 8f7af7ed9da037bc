import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { packContext } from './build-context.js';
import { StatusError } from '../../exit/errors.js';
import { collect } from '../../flags/options.js';
import { forEachJsonLine } from '../../../client/json-lines.js';
import type { JsonMessage } from '../../../api/types/images.js';

interface BuildFlags {
  file?: string;
  tag?: string[];
  buildArg?: string[];
  target?: string;
  cache: boolean;
  pull?: boolean;
  label?: string[];
  quiet?: boolean;
  iidfile?: string;
  rm: boolean;
  forceRm?: boolean;
  network?: string;
  addHost?: string[];
  cacheFrom?: string[];
  platform?: string;
}

/** `--build-arg K=V`, or `K` alone: the value from this environment (unset: null, as docker sends it). */
function buildArgs(list: string[] = []): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq >= 0) out[a.slice(0, eq)] = a.slice(eq + 1);
    else out[a] = process.env[a] ?? null;
  }
  return out;
}

const size = (n: number): string => {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  for (; v >= 1000 && i < units.length - 1; i++) v /= 1000;
  return `${Number(v.toPrecision(4))}${units[i]}`;
};

export function buildCommand(parent: Command): void {
  parent
    .command('build')
    .description('Build an image from a Dockerfile')
    .argument('<context>', 'PATH | URL | -')
    .option('-f, --file <string>', "Name of the Dockerfile (Default is 'PATH/Dockerfile')")
    .option('-t, --tag <list>', "Name and optionally a tag in the 'name:tag' format", collect)
    .option('--build-arg <list>', 'Set build-time variables', collect)
    .option('--target <string>', 'Set the target build stage to build.')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option('--label <list>', 'Set metadata for an image', collect)
    .option('-q, --quiet', 'Suppress the build output and print image ID on success')
    .option('--iidfile <string>', 'Write the image ID to the file')
    .option('--rm', 'Remove intermediate containers after a successful build', true)
    .option('--no-rm', 'Keep intermediate containers')
    .option('--force-rm', 'Always remove intermediate containers')
    .option('--network <string>', 'Set the networking mode for the RUN instructions during build', 'default')
    .option('--add-host <list>', 'Add a custom host-to-IP mapping ("host:ip")', collect)
    .option('--cache-from <strings>', 'Images to consider as cache sources', collect)
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .action(async (context: string, flags: BuildFlags) => {
      if (context === '-' && flags.file === '-') throw new StatusError(1, "invalid argument: can't use stdin for both build context and dockerfile");
      if (/^(https?|git):\/\//.test(context)) throw new StatusError(1, 'berth build: remote contexts are not supported');
      const packed = await packContext(context, flags.file, process.stdin);
      if (!flags.quiet) out(`Sending build context to Docker daemon  ${size(packed.tar.length)}\n\n`);
      const labels = Object.fromEntries(
        (flags.label ?? []).map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] : [l, ''])),
      );
      const stream = await engine().imageBuild(
        {
          t: flags.tag,
          dockerfile: packed.dockerfile,
          buildargs: JSON.stringify(buildArgs(flags.buildArg)),
          target: flags.target,
          nocache: flags.cache === false ? true : undefined,
          pull: flags.pull ? true : undefined,
          rm: flags.rm,
          forcerm: flags.forceRm ? true : undefined,
          labels: JSON.stringify(labels),
          q: flags.quiet ? true : undefined,
          networkmode: flags.network,
          extrahosts: flags.addHost,
          cachefrom: flags.cacheFrom ? JSON.stringify(flags.cacheFrom) : undefined,
          platform: flags.platform,
        },
        Readable.from([packed.tar]),
      );
      let id: string | undefined;
      await forEachJsonLine<JsonMessage>(stream, (m) => {
        if (m.error !== undefined) throw new StatusError(m.errorDetail?.code || 1, m.errorDetail?.message ?? m.error);
        if (m.stream !== undefined) out(m.stream);
        const aux = m.aux as { ID?: string } | undefined;
        if (aux?.ID) id = aux.ID;
      });
      if (flags.iidfile && id) await writeFile(flags.iidfile, id);
    });
}
