import type { ImageRuntimeConfig } from '../../core/images.js';
import { commitContainer } from '../../services/images/commit.js';
import type { ImageDeps } from '../../services/images/deps.js';
import { readJson, sendJson } from '../http.js';
import { COMMIT_CONFIG } from '../bodies.js';
import type { Router } from '../router.js';

/** `POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes=` with an optional config body. */
export function commitRoutes(router: Router, deps: ImageDeps): void {
  router.add('POST', '/commit', async (ctx) => {
    const q = ctx.query;
    const body = await readJson<ImageRuntimeConfig>(ctx.req, COMMIT_CONFIG);
    const pause = q.get('pause');
    const id = await commitContainer(deps, {
      container: q.get('container') ?? '',
      repo: q.get('repo') || undefined,
      tag: q.get('tag') || undefined,
      comment: q.get('comment') || undefined,
      author: q.get('author') || undefined,
      pause: pause === null || pause === '' ? true : !['0', 'false', 'False', 'FALSE', 'no'].includes(pause),
      changes: q
        .getAll('changes')
        .flatMap((c) => c.split('\n'))
        .filter((c) => c.trim() !== ''),
      config: body === undefined || body === null ? undefined : pickRuntimeConfig(body),
    });
    sendJson(ctx.res!, 201, { Id: id });
  });
}

/** Only fields a client set: the docker CLI sends a whole (mostly empty) Config. */
function pickRuntimeConfig(c: ImageRuntimeConfig): ImageRuntimeConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    const empty = v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    if (!empty && ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal'].includes(k)) out[k] = v;
  }
  return out as ImageRuntimeConfig;
}
