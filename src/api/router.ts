import { invalidArgument } from '../lib/errdefs.js';
import type { RequestContext } from './http.js';

/** A route answers by writing to ctx.res (or the hijacked socket), or by returning a JSON body. */
export type Handler = (ctx: RequestContext) => Promise<unknown>;

interface Route {
  method: string;
  /** The path as registered (`/containers/{id}/json`). */
  path: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** Method + path patterns with `{param}` segments; `{name*}` matches across slashes (image names). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/\{(\w+)(\*)?\}/g, (_, key: string, star?: string) => {
      keys.push(key);
      return star ? '(.+?)' : '([^/]+)';
    });
    this.routes.push({ method, path, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  /** Every registered method and path, in registration order (docs/api-compat.md is made from it). */
  list(): Array<{ method: string; path: string }> {
    return this.routes.map(({ method, path }) => ({ method, path }));
  }

  /** The handler, its path parameters and the route as registered (`/containers/{id}/json`, for metrics labels). */
  match(method: string, path: string): { handler: Handler; params: Record<string, string>; route: string } | 'method' | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (m === null) continue;
      pathMatched = true;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeParam(m[i + 1]!)));
      return { handler: r.handler, params, route: r.path };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function decodeParam(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidArgument(`invalid URL escape in path segment: ${s.slice(0, 200)}`);
  }
}
