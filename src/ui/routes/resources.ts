import { repoTags } from '../../api/compat/image.js';
import type { Router } from '../../api/router.js';
import type { Image } from '../../core/images.js';
import { chainIds } from '../../lib/digest.js';
import { layerTree as sharedLayers } from '../../lib/layer-tree.js';
import type { ImageDeps } from '../../services/images/deps.js';
import { layerBytes } from '../../services/images/prune.js';
import { activeEndpoints, type NetworkDeps } from '../../services/networks/deps.js';
import { listNetworks } from '../../services/networks/networks.js';
import { volumeUsers } from '../../services/volumes/deps.js';
import type { VolumeDeps } from '../../services/volumes/deps.js';
import { listVolumes } from '../../services/volumes/volumes.js';
import type { ImagesResponse, ImageRow, LayerNode, NetworkRow, VolumeRow } from '../types/dashboard.js';

/** The layer-sharing tree of the dashboard (lib/layer-tree), from the store's images and layer sizes. */
export function layerTree(images: Image[], sizes: Map<string, number>, names: (img: Image) => string[]): LayerNode[] {
  return sharedLayers(
    images.map((img) => ({ diffIds: img.config.rootfs.diff_ids, sizes: img.config.rootfs.diff_ids.map((d) => sizes.get(d) ?? 0), names: names(img) })),
  );
}

/** Images (with the layer tree), volumes (with their containers), networks (with theirs). */
export function resourceRoutes(router: Router, deps: { images: ImageDeps; volumes: VolumeDeps; networks?: NetworkDeps }): void {
  router.add('GET', '/ui/api/images', async (): Promise<ImagesResponse> => {
    const all = deps.images.images.list();
    const used = new Map<string, number>();
    for (const c of deps.images.containers.all()) used.set(c.Image, (used.get(c.Image) ?? 0) + 1);
    const label = (img: Image): string[] => {
      const tags = repoTags(img);
      return tags.length > 0 ? tags : [img.id.slice(7, 19)];
    };
    const images: ImageRow[] = all.map((img) => ({
      id: img.id,
      tags: repoTags(img),
      size: img.size,
      created: img.config.created ?? '',
      containers: used.get(img.id) ?? 0,
      layers: chainIds(img.config.rootfs.diff_ids),
    }));
    return { images, tree: layerTree(all, await layerBytes(deps.images), label) };
  });

  router.add('GET', '/ui/api/volumes', async (): Promise<VolumeRow[]> =>
    listVolumes(deps.volumes, new Map()).map((v) => ({
      name: v.Name,
      driver: v.Driver,
      mountpoint: v.Mountpoint,
      created: v.CreatedAt,
      containers: volumeUsers(deps.volumes, v.Name).map((id) => deps.volumes.containers.all().find((c) => c.Id === id)?.Name ?? id),
    })),
  );

  router.add('GET', '/ui/api/networks', async (): Promise<NetworkRow[]> => {
    const net = deps.networks;
    if (net === undefined) return [];
    return listNetworks(net, new Map()).map((n) => ({
      id: n.Id,
      name: n.Name,
      driver: n.Driver,
      subnet: n.IPAM.Config[0]?.Subnet ?? '',
      gateway: n.IPAM.Config[0]?.Gateway ?? '',
      containers: activeEndpoints(net, n.Id).map((c) => ({ id: c.Id, name: c.Name, ipv4: c.NetworkSettings?.Networks[n.Name]?.IPAddress ?? '' })),
    }));
  });
}
