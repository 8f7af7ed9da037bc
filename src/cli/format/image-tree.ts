import type { ImageSummary } from '../../api/types/images.js';
import { humanSizeWithPrecision } from '../../lib/go/units.js';
import type { LayerNode } from '../../lib/layer-tree.js';

/**
 * `docker image ls --tree` as the docker CLI 28.2 prints it: a legend, then one block per image
 * (newest first): its names, one a line, the last one followed by the image's details; then one
 * line per platform manifest (`└─ linux/amd64`) with its own; then a blank line. The first column
 * is as narrow as the names and platforms allow, within the terminal width (80 off a terminal).
 */
export interface TreeRow {
  names: string[];
  details: Details;
  children: Array<{ platform: string; details: Details }>;
  created: number;
}

interface Details {
  id: string;
  diskUsage: string;
  contentSize: string;
  inUse: boolean;
}

const SPACING = 3;
const WARNING = "WARNING: This is an experimental feature. The output may change and shouldn't be depended on.";
const LEGEND = 'Info ->  U In Use ';
/** The detail columns: title, width, alignment, value. */
const COLUMNS: Array<{ title: string; width: number; right: boolean; value: (d: Details) => string }> = [
  { title: 'ID', width: 12, right: false, value: (d) => d.id.replace(/^sha256:/, '').slice(0, 12) },
  { title: 'DISK USAGE', width: 10, right: true, value: (d) => d.diskUsage },
  { title: 'CONTENT SIZE', width: 12, right: true, value: (d) => d.contentSize },
  { title: 'EXTRA', width: 5, right: false, value: (d) => (d.inUse ? 'U' : '') },
];

const header = (s: string): string => `\x1b[39m\x1b[1m${s}\x1b[0m`;

/** Go's `len` of a string: bytes, as the docker CLI measures the widest name. */
const byteLength = (s: string): number => Buffer.byteLength(s);

function pad(s: string, width: number, right = false): string {
  const n = [...s].length;
  if (n > width) return [...s].slice(0, Math.max(0, width - 3)).join('') + '...';
  return right ? ' '.repeat(width - n) + s : s + ' '.repeat(width - n);
}

/** The rows of the tree from an image list asked with `manifests=1`. */
export function treeRows(images: ImageSummary[]): TreeRow[] {
  const rows = images.map((img): TreeRow => {
    const children = (img.Manifests ?? [])
      .filter((m) => m.Kind === 'image')
      .map((m) => ({
        platform: [m.ImageData?.Platform.os, m.ImageData?.Platform.architecture, m.ImageData?.Platform.variant].filter(Boolean).join('/'),
        details: {
          id: m.ID,
          diskUsage: humanSizeWithPrecision(m.Size.Total, 3),
          contentSize: humanSizeWithPrecision(m.Size.Content, 3),
          inUse: (m.ImageData?.Containers.length ?? 0) > 0,
        },
      }));
    const content = (img.Manifests ?? []).filter((m) => m.Kind === 'image').reduce((n, m) => n + m.Size.Content, 0);
    return {
      names: img.RepoTags.filter((t) => t !== '<none>:<none>'),
      details: {
        id: img.Id,
        diskUsage: humanSizeWithPrecision(img.Size, 3),
        contentSize: humanSizeWithPrecision(content, 3),
        inUse: img.Containers > 0 || children.some((c) => c.details.inUse),
      },
      children,
      created: img.Created,
    };
  });
  return rows.sort((a, b) => b.created - a.created);
}

/** The whole output for `rows` at terminal width `width` (80 off a terminal). */
export function renderTree(rows: TreeRow[], width = 80): string {
  const total = Math.max(width, 20);
  let nameWidth = total;
  let columns = COLUMNS;
  for (let i = 0; i < COLUMNS.length; i++) {
    const d = COLUMNS[i]!.width + SPACING;
    if (nameWidth - d < 12) {
      columns = COLUMNS.slice(0, i);
      break;
    }
    nameWidth -= d;
  }
  let widest = 'IMAGE'.length;
  for (const r of rows) {
    for (const n of r.names) widest = Math.max(widest, byteLength(n));
    for (const c of r.children) widest = Math.max(widest, byteLength(c.platform) + byteLength('└─ '));
  }
  nameWidth = Math.min(nameWidth, widest);
  const details = (d: Details): string => columns.map((c) => ' '.repeat(SPACING) + pad(c.value(d), c.width, c.right)).join('');
  const out: string[] = [WARNING, pad(LEGEND, total, true), ''];
  out.push(
    [header('IMAGE') + ' '.repeat(Math.max(0, nameWidth - 5)), ...columns.map((c) => header(c.title) + ' '.repeat(c.width - c.title.length))].join(
      ' '.repeat(SPACING),
    ),
  );
  for (const r of rows) {
    const names = r.names.length > 0 ? r.names : ['<untagged>'];
    for (const n of names.slice(0, -1)) out.push(n);
    out.push(pad(names.at(-1)!, nameWidth) + details(r.details));
    r.children.forEach((c, i) => out.push(pad(`${i === r.children.length - 1 ? '└─' : '├─'} ${c.platform}`, nameWidth) + details(c.details)));
    out.push('');
  }
  return out.join('\n') + '\n';
}

/**
 * berth's addition behind `--layers`: the layer-sharing tree (as the dashboard shows it) under
 * the docker CLI's tree — one line per layer (short chain ID, size, the images whose top layer it
 * is), children indented under the layer they are built on.
 */
export function renderLayers(roots: LayerNode[]): string {
  const out = ['LAYERS (images built on the same layers share them)'];
  const walk = (nodes: LayerNode[], indent: string): void =>
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      const names = n.images.length > 0 ? `   ${n.images.join(', ')}` : '';
      out.push(`${indent}${last ? '└─' : '├─'} ${n.chainId.replace(/^sha256:/, '').slice(0, 12)}   ${pad(humanSizeWithPrecision(n.size, 3), 8, true)}${names}`);
      walk(n.children, indent + (last ? '   ' : '│  '));
    });
  walk(roots, '');
  return out.join('\n') + '\n';
}
