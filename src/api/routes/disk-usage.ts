import type { ImageDeps } from '../../services/images/deps.js';
import { diskUsage } from '../../services/images/disk-usage.js';
import { toSummary } from '../compat/container.js';
import { toImageSummary } from '../compat/image.js';
import { toVolume } from '../compat/volume.js';
import type { VolumeDeps } from '../../services/volumes/deps.js';
import { volumeDiskUsage } from '../../services/volumes/volumes.js';
import type { Router } from '../router.js';
import type { DiskUsageResponse } from '../types/disk-usage.js';

export function diskUsageRoutes(router: Router, deps: ImageDeps, volumes: VolumeDeps): void {
  router.add('GET', '/system/df', async (ctx): Promise<DiskUsageResponse> => {
    const [du, vols] = await Promise.all([diskUsage(deps), volumeDiskUsage(volumes)]);
    return {
      LayersSize: du.layersSize,
      Images: du.images.map((i) => ({ ...toImageSummary(i.image, i.containers, { version: ctx.apiVersion }), SharedSize: i.sharedSize })),
      Containers: du.containers.map((c) => ({ ...toSummary(c.record), SizeRw: c.sizeRw, SizeRootFs: c.sizeRootFs })),
      Volumes: vols.map((v) => ({ ...toVolume(v.volume), UsageData: { Size: v.size, RefCount: v.refCount } })),
      BuildCache: [],
      BuilderSize: 0,
    };
  });
}
