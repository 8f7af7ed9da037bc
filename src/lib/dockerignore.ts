import dockerignore from '@balena/dockerignore';

// A CommonJS module whose typings declare `export default`: at run time the default import is the factory itself.
const create = ((dockerignore as unknown as { default?: unknown }).default ?? dockerignore) as unknown as typeof dockerignore.default;

/**
 * `.dockerignore` matching (Docker's rules, `!` exceptions included: the last matching pattern
 * wins), for packing a build context the way the docker CLI does.
 */
export interface ContextFilter {
  /** True when `rel` (a `/`-separated path under the context) is left out. */
  excludes(rel: string): boolean;
  /**
   * True when everything under the directory `rel` can be skipped: it is excluded and no
   * exception pattern could bring back something beneath it.
   */
  prunes(rel: string): boolean;
}

/**
 * Patterns of a `.dockerignore` file as Docker reads them: one a line, `#` comments and blank lines
 * skipped, `! name` is `!name`, a leading `/` is dropped (patterns are relative to the context).
 */
export function parseIgnoreFile(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let p = line.trim();
    if (p === '' || p.startsWith('#')) continue;
    const invert = p.startsWith('!');
    if (invert) p = p.slice(1).trim();
    if (p.length > 1) p = p.replace(/^\/+/, '');
    out.push(invert ? `!${p}` : p);
  }
  return out;
}

export function contextFilter(patterns: string[], keep: string[] = []): ContextFilter {
  // The Dockerfile and .dockerignore are always sent (the daemon needs them), as the docker CLI does.
  const all = [...patterns, ...keep.map((k) => `!${k}`)];
  const ig = create().add(all);
  const exceptions = all.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\/+/, ''));
  return {
    excludes: (rel) => ig.ignores(rel),
    prunes: (rel) => ig.ignores(rel) && !exceptions.some((e) => /[*?[]/.test(e) || e.startsWith(`${rel}/`)),
  };
}
