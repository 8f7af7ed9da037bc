import { invalidArgument } from '../../lib/errdefs.js';
import { parseFilters } from '../../lib/filters.js';
import { connectContainer, disconnectContainer } from '../../services/networks/connect.js';
import type { NetworkDeps } from '../../services/networks/deps.js';
import { createNetwork, LIST_FILTERS, listNetworks, PRUNE_FILTERS, pruneNetworks, removeNetwork } from '../../services/networks/networks.js';
import { toNetwork } from '../compat/network.js';
import { readJson, refuseStreamedPrune } from '../http.js';
import { NETWORK_CONNECT, NETWORK_CREATE, NETWORK_DISCONNECT } from '../bodies.js';
import type { Router } from '../router.js';
import { gateConnect } from '../create-gates.js';
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../types/networks.js';
import { at } from '../versions.js';

export function networkRoutes(router: Router, deps: NetworkDeps): void {
  router.add('GET', '/networks', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'), LIST_FILTERS);
    return listNetworks(deps, filters).map((n) => toNetwork(n, deps.containers.all(), ctx.apiVersion));
  });

  router.add('GET', '/networks/{id}', async (ctx) => toNetwork(deps.store.get(ctx.params.id!), deps.containers.all(), ctx.apiVersion, true));

  router.add('POST', '/networks/create', async (ctx) => {
    const body = await readJson<NetworkCreateRequest>(ctx.req, NETWORK_CREATE);
    if (body === undefined) throw invalidArgument('network name must not be empty');
    if (!at(ctx.apiVersion, 'networkEnableIPv4')) delete body.EnableIPv4;
    ctx.res!.statusCode = 201;
    return createNetwork(deps, body);
  });

  router.add('POST', '/networks/prune', async (ctx) => {
    refuseStreamedPrune(ctx);
    return pruneNetworks(deps, parseFilters(ctx.query.get('filters'), PRUNE_FILTERS));
  });

  router.add('DELETE', '/networks/{id}', async (ctx) => {
    await removeNetwork(deps, ctx.params.id!);
  });

  router.add('POST', '/networks/{id}/connect', async (ctx) => {
    const body = (await readJson<NetworkConnectRequest>(ctx.req, NETWORK_CONNECT)) ?? { Container: '' };
    gateConnect(body, ctx.apiVersion);
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
