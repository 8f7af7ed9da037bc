import type { EndpointSettings, NetworkRecord } from '../../core/network.js';

/**
 * Which of a container's endpoints gives it the default route, as libnetwork's endpoint ordering
 * decides: the highest `GwPriority` (API 1.48), then a network that is not `--internal` (it has
 * gateway to route through), then the network's name, ascending; an internal network never
 * gives it, whatever its priority. Undefined when no endpoint can (every network internal).
 */
export function gatewayEndpoint<T extends [EndpointSettings, NetworkRecord]>(eps: readonly T[]): T | undefined {
  const ranked = [...eps].sort(
    ([a, an], [b, bn]) => (b.GwPriority ?? 0) - (a.GwPriority ?? 0) || Number(an.Internal) - Number(bn.Internal) || cmp(an.Name, bn.Name),
  );
  return ranked.find(([, n]) => !n.Internal);
}

/** Go's string comparison (bytes, not locale). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
