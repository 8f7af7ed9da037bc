import type { ServerResponse } from 'node:http';
import type { ImageDeps } from '../../services/images/deps.js';
import { loadImages, type LoadEvent } from '../../services/images/load.js';
import { saveImages } from '../../services/images/save.js';
import { errorMessage, progressMessage } from '../compat/progress.js';
import { queryBool, type RequestContext } from '../http.js';
import type { Router } from '../router.js';
import { archivePlatforms, requireImagePlatform } from '../platform-param.js';
import type { JsonMessage } from '../types/images.js';

/** `save` (GET images/get, images/{name}/get) and `load` (POST images/load). */
export function imageArchiveRoutes(router: Router, deps: ImageDeps): void {
  // `platform` (1.48, several from 1.52): berth keeps one platform per image, which must be among those asked for.
  const save = async (ctx: RequestContext, names: string[]): Promise<void> => {
    const platforms = archivePlatforms(ctx.query, ctx.apiVersion);
    for (const name of names) requireImagePlatform(deps.images, name, platforms);
    await sendTar(ctx.res!, await saveImages(deps, names));
  };
  router.add('GET', '/images/get', async (ctx) =>
    save(
      ctx,
      ctx.query
        .getAll('names')
        .flatMap((n) => n.split(','))
        .filter(Boolean),
    ),
  );
  router.add('GET', '/images/{name*}/get', async (ctx) => save(ctx, [ctx.params.name!]));

  router.add('POST', '/images/load', async (ctx) => {
    const res = ctx.res!;
    const quiet = queryBool(ctx.query, 'quiet');
    const platforms = archivePlatforms(ctx.query, ctx.apiVersion);
    // Every failure is an error line in a 200 stream, as Docker's load answers (a broken or cut
    // archive is the client's input, never a 500); the headers go out with the first line.
    const send = (m: JsonMessage): void => {
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify(m) + '\n');
    };
    const last = new Map<string, number>();
    const onEvent = (e: LoadEvent): void => {
      if (e.kind === 'message') return send({ stream: `${e.text}\n` });
      if (quiet) return;
      const step = Math.max(1, Math.floor(e.total / 100));
      if (e.current < e.total && e.current - (last.get(e.id) ?? -step) < step) return;
      last.set(e.id, e.current);
      send(progressMessage('Loading layer', e.id, e.current, e.total));
    };
    try {
      await loadImages(deps, { source: ctx.req, scratch: deps.scratch, onEvent, platforms });
    } catch (err) {
      send(errorMessage(err));
    }
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end();
  });
}

async function sendTar(res: ServerResponse, tar: NodeJS.ReadableStream): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  await new Promise<void>((resolve) => {
    tar.on('error', () => {
      res.destroy(); // the client sees a cut stream, not a valid-looking short tar
      resolve();
    });
    res.on('close', resolve);
    tar.pipe(res);
  });
}
