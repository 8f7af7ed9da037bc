import type { ServerResponse } from 'node:http';
import { invalidArgument } from '../../lib/errdefs.js';
import { parseNormalizedNamed, parseReference } from '../../lib/reference.js';
import type { AuthConfig } from '../../core/registry.js';
import { decodeAuthHeader, normalize, registryHost } from '../registry-auth.js';
import { parsePlatform } from '../../services/images/pull-platform.js';
import { decodePlatform, requireImagePlatform } from '../platform-param.js';
import { at } from '../versions.js';
import { pullImage, type PullDeps, type PullEvent } from '../../services/images/pull.js';
import { pushImage, type PushDeps } from '../../services/images/push.js';
import { distributionInspect } from '../../services/images/distribution.js';
import { errorMessage, progressMessage } from '../compat/progress.js';
import { readJson } from '../http.js';
import { AUTH_CONFIG } from '../bodies.js';
import type { Handler, Router } from '../router.js';

type RequestContext = Parameters<Handler>[0];
import type { DistributionInspect, JsonMessage } from '../types/images.js';

/**
 * A JSON progress stream whose headers go out with the first message: a failure before any
 * output is a plain HTTP error (`manifest unknown` → 404, as Docker answers), later failures
 * are an error line in the stream.
 */
function progressStream(res: ServerResponse): {
  send(m: JsonMessage): void;
  event(e: PullEvent & { aux?: unknown }): void;
  fail(err: Error): void;
  end(): void;
} {
  const send = (m: JsonMessage): void => {
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(JSON.stringify(m) + '\r\n');
  };
  return {
    send,
    event(e) {
      if (e.current !== undefined && e.total !== undefined) send(progressMessage(e.status, e.id ?? '', e.current, e.total));
      else {
        // As Docker: the status line, then the aux message on a line of its own (clients print
        // status lines and hand aux-only lines to a callback without printing them).
        send({ status: e.status, ...(e.id ? { id: e.id } : {}) });
        if (e.aux) send({ progressDetail: {}, aux: e.aux });
      }
    },
    fail(err) {
      if (!res.headersSent) throw err;
      send(errorMessage(err));
    },
    end() {
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end();
    },
  };
}

/** `POST /images/create?fromImage=…&tag=…&platform=…` (a pull). */
export async function pullRoute(ctx: RequestContext, deps: PullDeps): Promise<void> {
  const q = ctx.query;
  const image = q.get('fromImage') ?? '';
  const tag = q.get('tag') ?? '';
  const base = parseReference(image);
  // Docker's rule: `tag` may carry a digest; without a tag in either place, pull every tag
  // only when the client asked for all (the docker CLI sends `latest` otherwise).
  const all = tag === '' && base.tag === undefined && base.digest === undefined;
  const refString = tag === '' ? image : tag.startsWith('sha256:') ? `${image}@${tag}` : `${image}:${tag}`;
  parseNormalizedNamed(refString);
  const platform = parsePlatform(q.get('platform'));
  const auth = decodeAuthHeader(header(ctx, 'x-registry-auth'));
  const out = progressStream(ctx.res!);
  try {
    await pullImage(deps, { ref: refString, all, platform, auth, onEvent: (e) => out.event(e) });
  } catch (err) {
    out.fail(err as Error);
  }
  out.end();
}

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `POST /images/{name}/push` and `POST /auth`. */
export function registryRoutes(router: Router, deps: PushDeps): void {
  router.add('POST', '/images/{name*}/push', async (ctx) => {
    const name = ctx.params.name!;
    const ref = parseReference(name);
    const tag = ctx.query.get('tag') || ref.tag || undefined;
    const auth = decodeAuthHeader(header(ctx, 'x-registry-auth'));
    // 1.46: `platform` (JSON OCI platform) picks the manifest to push; berth's image has one.
    const param = at(ctx.apiVersion, 'imagePushPlatform') ? ctx.query.get('platform') || undefined : undefined;
    requireImagePlatform(deps.images, tag !== undefined && ref.tag === undefined ? `${name}:${tag}` : name, param !== undefined ? [decodePlatform(param)] : []);
    const out = progressStream(ctx.res!);
    try {
      await pushImage(deps, { ref: ref.tag !== undefined ? name.slice(0, name.lastIndexOf(':')) : name, tag, auth, onEvent: (e) => out.event(e) });
    } catch (err) {
      out.fail(err as Error);
    }
    out.end();
  });

  router.add('GET', '/distribution/{name*}/json', async (ctx): Promise<DistributionInspect> => {
    const info = await distributionInspect(deps, ctx.params.name!, decodeAuthHeader(header(ctx, 'x-registry-auth')));
    return { Descriptor: info.descriptor, Platforms: info.platforms };
  });

  router.add('POST', '/auth', async (ctx) => {
    const body = normalize((await readJson<AuthConfig>(ctx.req, AUTH_CONFIG)) ?? {});
    if (!body?.username) throw invalidArgument('Username is required');
    await deps.registry.login(registryHost(body.serveraddress ?? ''), body);
    return { Status: 'Login Succeeded', IdentityToken: '' };
  });
}
