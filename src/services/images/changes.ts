import { invalidArgument } from '../../lib/errdefs.js';
import type { ImageRuntimeConfig } from '../../core/images.js';
import { applyConfigInstruction } from '../../lib/dockerfile/apply-config.js';
import { parseLine } from '../../lib/dockerfile/dockerfile.js';

/**
 * `--change` instructions for import and commit: Docker accepts this subset of Dockerfile
 * instructions, parsed and applied by the same code as the builder's (one grammar).
 */
const ALLOWED = new Set(['cmd', 'entrypoint', 'env', 'expose', 'label', 'onbuild', 'user', 'volume', 'workdir', 'stopsignal']);

export function applyChanges(base: ImageRuntimeConfig, changes: string[]): ImageRuntimeConfig {
  const cfg: ImageRuntimeConfig = structuredClone(base);
  const env = (name: string): string | undefined => (cfg.Env ?? []).find((e) => e.split('=', 1)[0] === name)?.slice(name.length + 1);
  // One dispatch state for all changes, as Docker's BuildFromConfig: ENTRYPOINT clears an inherited CMD.
  const ctx = { env, escape: '\\', cmdSet: false };
  for (const change of changes) {
    if (change.trim() === '') continue;
    const word = change.trim().split(/\s/, 1)[0]!;
    if (!ALLOWED.has(word.toLowerCase())) throw invalidArgument(`${word} is not a valid change command`);
    applyConfigInstruction(cfg, parseLine(change), ctx);
  }
  return cfg;
}
