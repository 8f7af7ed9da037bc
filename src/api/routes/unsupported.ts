import { BerthError, notFound, notImplemented, unavailable } from '../../lib/errdefs.js';
import type { Router } from '../router.js';

const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/**
 * Engine API v1.41 endpoints berth does not implement, and what it answers instead: Docker's own
 * answer where Docker has one for an engine in the same state (not in a swarm, no plugins
 * installed), else 501 naming the endpoint. Never a silent success.
 */
export interface Unsupported {
  method: string;
  path: string;
  /** `endpoint` is `METHOD /path/{param}`; `params` the request's path parameters. */
  answer: (endpoint: string, params: Record<string, string>) => BerthError | unknown[];
  /** What docs/api-compat.md says about it. */
  note: string;
}

const notManager = (): BerthError => unavailable(NOT_A_MANAGER);
const notBerth =
  (what: string) =>
  (endpoint: string): BerthError =>
    notImplemented(`${what} is not supported by berth (${endpoint})`);
const noPlugin = (_: string, params: Record<string, string>): BerthError => notFound(`plugin "${params.name ?? ''}" not found`);

const SWARM_NOTE = '503 This node is not a swarm manager (as Docker outside a swarm)';
const swarm = (method: string, path: string): Unsupported => ({ method, path, answer: notManager, note: SWARM_NOTE });

export const UNSUPPORTED: Unsupported[] = [
  { method: 'GET', path: '/containers/{id}/attach/ws', answer: notBerth('attaching over a websocket'), note: '501' },
  { method: 'GET', path: '/images/search', answer: notBerth('searching a registry'), note: '501' },
  { method: 'GET', path: '/images/{name*}/attestations', answer: notBerth('image attestations'), note: '501' },
  {
    method: 'PUT',
    path: '/volumes/{name}',
    answer: () => unavailable('volume update only valid for cluster volumes, but swarm is unavailable'),
    note: '503 volume update only valid for cluster volumes, but swarm is unavailable (as Docker outside a swarm)',
  },
  { method: 'GET', path: '/plugins', answer: () => [], note: '200 [] (no plugins, as Docker without any)' },
  { method: 'GET', path: '/plugins/privileges', answer: notBerth('plugins'), note: '501' },
  { method: 'POST', path: '/plugins/pull', answer: notBerth('plugins'), note: '501' },
  { method: 'POST', path: '/plugins/create', answer: notBerth('plugins'), note: '501' },
  ...[
    'GET /plugins/{name}/json',
    'DELETE /plugins/{name}',
    'POST /plugins/{name}/enable',
    'POST /plugins/{name}/disable',
    'POST /plugins/{name}/upgrade',
    'POST /plugins/{name}/push',
    'POST /plugins/{name}/set',
  ].map((r) => {
    const [method, path] = r.split(' ') as [string, string];
    return { method, path, answer: noPlugin, note: '404 plugin "…" not found (none is installed)' };
  }),
  swarm('GET', '/swarm'),
  { method: 'POST', path: '/swarm/init', answer: notBerth('swarm mode'), note: '501' },
  { method: 'POST', path: '/swarm/join', answer: notBerth('swarm mode'), note: '501' },
  { method: 'POST', path: '/swarm/leave', answer: () => unavailable('This node is not part of a swarm'), note: '503 This node is not part of a swarm' },
  swarm('POST', '/swarm/update'),
  swarm('GET', '/swarm/unlockkey'),
  swarm('POST', '/swarm/unlock'),
  ...['nodes', 'services', 'tasks', 'secrets', 'configs'].flatMap((kind) => [
    swarm('GET', `/${kind}`),
    swarm('GET', `/${kind}/{id}`),
    ...(kind === 'tasks' ? [] : [swarm('POST', `/${kind}/{id}/update`)]),
    ...(kind === 'nodes' || kind === 'tasks' ? [] : [swarm('POST', `/${kind}/create`)]),
    ...(kind === 'tasks' ? [] : [swarm('DELETE', `/${kind}/{id}`)]),
    ...(kind === 'services' || kind === 'tasks' ? [swarm('GET', `/${kind}/{id}/logs`)] : []),
  ]),
];

export function unsupportedRoutes(router: Router): void {
  for (const u of UNSUPPORTED) {
    const endpoint = `${u.method} ${u.path.replace('*', '')}`;
    router.add(u.method, u.path, async (ctx) => {
      const answer = u.answer(endpoint, ctx.params);
      if (answer instanceof Error) throw answer;
      return answer;
    });
  }
}
