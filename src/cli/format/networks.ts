import type { NetworkResource } from '../../api/types/networks.js';
import { asStruct } from '../../lib/go/template/template.js';

export const NETWORKS_DEFAULT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

export const NETWORKS_HEADERS: Record<string, string> = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
  Label: 'LABEL',
};

/** The object `docker network ls --format` templates see: docker's networkContext. */
export function networkContext(n: NetworkResource, noTrunc = false): Record<string, unknown> {
  const labels = n.Labels ?? {};
  return asStruct(
    {
      ID: noTrunc ? n.Id : n.Id.slice(0, 12),
      Name: n.Name,
      Driver: n.Driver,
      Scope: n.Scope,
      IPv6: String(n.EnableIPv6),
      Internal: String(n.Internal),
      Labels: Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      CreatedAt: n.Created,
      Label: (name: string) => labels[name] ?? '',
    },
    '*formatter.networkContext',
  );
}
