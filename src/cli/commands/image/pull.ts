import type { Command } from 'commander';
import { readJsonMessages } from '../../../client/engine.js';
import { familiarString, fullName, parseNormalizedNamed, parseReference, repositoryName } from '../../../lib/reference.js';
import { engine, out } from '../../context.js';
import { StatusError } from '../../errors.js';
import { layerProgress } from '../../format/progress.js';
import { registryAuthFor } from '../../registry-auth.js';

export interface PullOptions {
  all?: boolean;
  platform?: string;
  quiet?: boolean;
}

/** Pulls `image`, drawing Docker's progress on `write` (nothing when quiet); returns the full name pulled. */
export async function pull(image: string, opts: PullOptions, write: (s: string) => void, tty: boolean): Promise<string> {
  const ref = opts.all ? parseReference(image) : parseNormalizedNamed(image);
  if (opts.all && (ref.tag !== undefined || ref.digest !== undefined)) throw new StatusError(1, "tag can't be used with --all-tags/-a");
  const repo = familiarString({ ...ref, tag: undefined, digest: undefined });
  const query = { fromImage: repo, tag: opts.all ? undefined : (ref.digest ?? ref.tag), platform: opts.platform };
  const stream = await engine().imagePull(query, await registryAuthFor(image));
  const progress = layerProgress(write, tty);
  await readJsonMessages(stream, (m) => {
    if (!opts.quiet) progress.update(m);
  });
  return opts.all ? repositoryName(ref) : fullName(ref);
}

export function pullCommand(parent: Command): void {
  parent
    .command('pull')
    .description('Download an image from a registry')
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .argument('<name>')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--disable-content-trust', 'Skip image verification (default true)')
    .action(async (name: string, flags: { allTags?: boolean; platform?: string; quiet?: boolean }) => {
      // Docker's last line (the only one with -q): the full name pulled.
      out(`${await pull(name, { all: flags.allTags, platform: flags.platform, quiet: flags.quiet }, out, process.stdout.isTTY === true)}\n`);
    });
}
