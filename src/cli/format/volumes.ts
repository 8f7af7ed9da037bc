import type { Volume } from '../../api/types/volumes.js';
import { asStruct } from '../../lib/go/template/template.js';

export const VOLUMES_DEFAULT = 'table {{.Driver}}\t{{.Name}}';

export const VOLUMES_HEADERS: Record<string, string> = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Label: 'LABEL',
};

/** The object `docker volume ls --format` templates see: docker's volumeContext. */
export function volumeContext(v: Volume): Record<string, unknown> {
  const labels = v.Labels ?? {};
  return asStruct(
    {
      Name: v.Name,
      Driver: v.Driver,
      Scope: v.Scope,
      Mountpoint: v.Mountpoint,
      Labels: Object.entries(labels)
        .map(([k, val]) => `${k}=${val}`)
        .join(','),
      Links: 'N/A',
      Size: 'N/A',
      Label: (name: string) => labels[name] ?? '',
    },
    '*formatter.volumeContext',
  );
}
