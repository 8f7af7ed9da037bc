import type { ContainerSummary } from '../../api/types/containers.js';
import { humanDuration, humanSizeWithPrecision } from '../../lib/go/units.js';
import { asStruct } from '../../lib/go/template/template.js';

export const PS_DEFAULT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
  Label: 'LABEL',
};

/** Go's time.Time String() in UTC: `2026-11-23 05:23:11 +0000 UTC`. */
export function goTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** docker's Ellipsis: cut to `max` characters, the last one a `…`. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

function ports(c: ContainerSummary): string {
  return c.Ports.map((p) => (p.PublicPort ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`)).join(', ');
}

/** The object `docker ps --format` templates see: the fields of docker's ContainerContext. */
export function containerContext(c: ContainerSummary, trunc: boolean, now = Date.now()): Record<string, unknown> {
  const labels = c.Labels ?? {};
  const names = c.Names.map((n) => n.replace(/^\//, ''));
  const shownNames = trunc ? names.filter((n) => !n.includes('/')).slice(0, 1) : names;
  const command = trunc ? ellipsis(c.Command, 20) : c.Command;
  const image = trunc && c.Image.startsWith('sha256:') ? c.Image.slice(7, 19) : c.Image;
  return asStruct(
    {
      ID: trunc ? c.Id.slice(0, 12) : c.Id,
      Image: image,
      Command: JSON.stringify(command),
      CreatedAt: goTime(c.Created),
      RunningFor: `${humanDuration(now - c.Created * 1000)} ago`,
      Ports: ports(c),
      State: c.State,
      Status: c.Status,
      Size: c.SizeRw !== undefined ? `${humanSizeWithPrecision(c.SizeRw, 3)} (virtual ${humanSizeWithPrecision(c.SizeRootFs ?? 0, 3)})` : '0B',
      Names: shownNames.join(','),
      Labels: Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      Mounts: c.Mounts.map((m) => (trunc ? ellipsis(m.Name || m.Source, 15) : m.Name || m.Source)).join(','),
      Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
      LocalVolumes: String(c.Mounts.filter((m) => m.Driver === 'local').length),
      Label: (name: string) => labels[name] ?? '',
    },
    '*formatter.ContainerContext',
  );
}
