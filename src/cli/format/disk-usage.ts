import type { DiskUsageResponse } from '../../api/types/disk-usage.js';
import { humanSizeWithPrecision } from '../../lib/go/units.js';
import { containerContext, PS_HEADERS } from './containers.js';
import { IMAGES_HEADERS, imageContexts } from './images.js';
import { renderRows } from './render.js';
import { asStruct } from '../../lib/go/template/template.js';

export const DF_DEFAULT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';

export const DF_HEADERS: Record<string, string> = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

const volumeSize = (v: DiskUsageResponse['Volumes'][number]): number => Math.max(v.UsageData.Size, 0);

const live = (state: string): boolean => ['running', 'paused', 'restarting'].includes(state);

/** `docker system df` rows, with the docker CLI's sums and percentages. */
export function diskUsageRows(df: DiskUsageResponse): Array<Record<string, unknown>> {
  const row = (type: string, total: number, active: number, size: number, reclaimable: number, pct: boolean): Record<string, unknown> =>
    asStruct(
      {
        Type: type,
        TotalCount: String(total),
        Active: String(active),
        Size: humanSizeWithPrecision(size, 3),
        Reclaimable:
          pct && size > 0 ? `${humanSizeWithPrecision(reclaimable, 3)} (${Math.floor((reclaimable * 100) / size)}%)` : humanSizeWithPrecision(reclaimable, 3),
      },
      '*formatter.diskUsageContext',
    );
  const usedImages = df.Images.filter((i) => i.Containers > 0);
  const usedBytes = usedImages.reduce((n, i) => n + (i.Size - Math.max(i.SharedSize, 0)), 0);
  const cSize = df.Containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const usedVolumes = df.Volumes.filter((v) => v.UsageData.RefCount > 0);
  const vSize = df.Volumes.reduce((n, v) => n + volumeSize(v), 0);
  const cFree = df.Containers.filter((c) => !live(c.State)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  return [
    row('Images', df.Images.length, usedImages.length, df.LayersSize, df.LayersSize - usedBytes, true),
    row('Containers', df.Containers.length, df.Containers.filter((c) => live(c.State)).length, cSize, cFree, true),
    row('Local Volumes', df.Volumes.length, usedVolumes.length, vSize, vSize - usedVolumes.reduce((n, v) => n + volumeSize(v), 0), true),
    row('Build Cache', df.BuildCache.length, 0, 0, 0, false),
  ];
}

const DF_IMAGES = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const DF_CONTAINERS = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const DF_VOLUMES = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const DF_CACHE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

/** `docker system df -v`: one table per kind, as the docker CLI lays them out. */
export function diskUsageVerbose(df: DiskUsageResponse): string {
  const images = df.Images.flatMap((i) => imageContexts(i, { trunc: true }));
  // docker shows only the writable layer's size here, never "(virtual …)".
  const containers = df.Containers.map((c) => ({ ...containerContext(c, true), Size: humanSizeWithPrecision(c.SizeRw ?? 0, 3) }));
  const volumes = df.Volumes.map((v) => ({
    Name: v.Name,
    Links: String(v.UsageData.RefCount),
    Size: v.UsageData.Size < 0 ? 'N/A' : humanSizeWithPrecision(v.UsageData.Size, 3),
  }));
  return [
    `Images space usage:\n\n${renderRows(DF_IMAGES, images, IMAGES_HEADERS)}`,
    `Containers space usage:\n\n${renderRows(DF_CONTAINERS, containers, PS_HEADERS)}`,
    `Local Volumes space usage:\n\n${renderRows(DF_VOLUMES, volumes, { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' })}`,
    `Build cache usage: 0B\n\n${renderRows(DF_CACHE, [], { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' })}`,
  ].join('\n');
}
