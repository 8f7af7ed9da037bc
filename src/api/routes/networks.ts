import { invalidArgument } from '../../lib/errdefs.js';
import { parseFilters } from '../../lib/filters.js';
import { connectContainer, disconnectContainer } from '../../services/networks/connect.js';
import type { NetworkDeps } from '../../services/networks/deps.js';
import { createNetwork, LIST_FILTERS, listNetworks, PRUNE_FILTERS, pruneNetworks, removeNetwork } from '../../services/networks/networks.js';
import { toNetwork } from '../compat/network.js';
import { readJson } from '../http.js';
import { NETWORK_CONNECT, NETWORK_CREATE, NETWORK_DISCONNECT } from '../bodies.js';
import type { Router } from '../router.js';
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, NetworkResource } from '../types/networks.js';
import type { RequestContext } from '../http.js';
import { at } from '../versions.js';

export function networkRoutes(router: Router, deps: NetworkDeps): void {
  /** `EnableIPv4` is a field from API 1.48 on. */
  const shown = (ctx: RequestContext, n: NetworkResource): NetworkResource => {
    if (!at(ctx.apiVersion, 'networkEnableIPv4')) delete n.EnableIPv4;
    return n;
  };

  router.add('GET', '/networks', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'), LIST_FILTERS);
    return listNetworks(deps, filters).map((n) => shown(ctx, toNetwork(n, deps.containers.all())));
  });

  router.add('GET', '/networks/{id}', async (ctx) => shown(ctx, toNetwork(deps.store.get(ctx.params.id!), deps.containers.all())));

  router.add('POST', '/networks/create', async (ctx) => {
    const body = await readJson<NetworkCreateRequest>(ctx.req, NETWORK_CREATE);
    if (body === undefined) throw invalidArgument('network name must not be empty');
    if (!at(ctx.apiVersion, 'networkEnableIPv4')) delete body.EnableIPv4;
    ctx.res!.statusCode = 201;
    return createNetwork(deps, body);
  });

  router.add('POST', '/networks/prune', async (ctx) => pruneNetworks(deps, parseFilters(ctx.query.get('filters'), PRUNE_FILTERS)));

  router.add('DELETE', '/networks/{id}', async (ctx) => {
    await removeNetwork(deps, ctx.params.id!);
  });

  router.add('POST', '/networks/{id}/connect', async (ctx) => {
    const body = (await readJson<NetworkConnectRequest>(ctx.req, NETWORK_CONNECT)) ?? { Container: '' };
    await connectContainer(deps, ctx.params.id!, body.Container ?? '', body.EndpointConfig ?? {});
    ctx.res!.writeHead(200);
    ctx.res!.end();
  });

  router.add('POST', '/networks/{id}/disconnect', async (ctx) => {
    const body = (await readJson<NetworkDisconnectRequest>(ctx.req, NETWORK_DISCONNECT)) ?? { Container: '' };
    await disconnectContainer(deps, ctx.params.id!, body.Container ?? '');
    ctx.res!.writeHead(200);
    ctx.res!.end();
  });
}
