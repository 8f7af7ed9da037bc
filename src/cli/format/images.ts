import type { ImageSummary } from '../../api/types/images.js';
import { humanDuration, humanSizeWithPrecision } from '../../lib/go/units.js';
import { goTime } from './containers.js';
import { asStruct } from '../../lib/go/template/template.js';

export const IMAGES_DEFAULT = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
export const IMAGES_DIGESTS = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

export const IMAGES_HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  ID: 'IMAGE ID',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
  VirtualSize: 'VIRTUAL SIZE',
};

/**
 * The rows `docker images` shows for one image, as the docker CLI makes them: one per
 * repository:tag (with `--digests`, one per tag and digest of its repository), then one per
 * repository known only by digest (tag `<none>`); a dangling image is one `<none>` row.
 */
function imageRows(img: ImageSummary, digests: boolean): Array<[repo: string, tag: string, digest: string]> {
  const tags = img.RepoTags.filter((t) => t !== '<none>:<none>');
  const byRepo = new Map<string, string[]>();
  for (const d of img.RepoDigests.filter((x) => x !== '<none>@<none>')) {
    const at = d.lastIndexOf('@');
    byRepo.set(d.slice(0, at), [...(byRepo.get(d.slice(0, at)) ?? []), d.slice(at + 1)]);
  }
  if (tags.length === 0 && byRepo.size === 0) return [['<none>', '<none>', '<none>']];
  const rows: Array<[string, string, string]> = [];
  const tagged = new Set<string>();
  for (const t of tags) {
    const repo = t.slice(0, t.lastIndexOf(':'));
    tagged.add(repo);
    const ds = digests ? (byRepo.get(repo) ?? []) : [];
    if (ds.length === 0) rows.push([repo, t.slice(t.lastIndexOf(':') + 1), '<none>']);
    for (const d of ds) rows.push([repo, t.slice(t.lastIndexOf(':') + 1), d]);
  }
  for (const [repo, ds] of byRepo) {
    if (tagged.has(repo)) continue;
    if (digests) for (const d of ds) rows.push([repo, '<none>', d]);
    else rows.push([repo, '<none>', '']);
  }
  return rows;
}

/** One row per repository:tag (a dangling image is one `<none>` row), as `docker images` lists them. */
export function imageContexts(img: ImageSummary, opts: { trunc: boolean; digests?: boolean }, now = Date.now()): Array<Record<string, unknown>> {
  return imageRows(img, opts.digests === true).map(([repo, tag, digest]) =>
    asStruct(
      {
        ID: opts.trunc ? img.Id.replace(/^sha256:/, '').slice(0, 12) : img.Id,
        Repository: repo,
        Tag: tag,
        Digest: digest,
        CreatedSince: `${humanDuration(now - img.Created * 1000)} ago`,
        CreatedAt: goTime(img.Created),
        Size: humanSizeWithPrecision(img.Size, 3),
        Containers: img.Containers < 0 ? 'N/A' : String(img.Containers),
        SharedSize: img.SharedSize < 0 ? 'N/A' : humanSizeWithPrecision(img.SharedSize, 3),
        UniqueSize: img.SharedSize < 0 ? 'N/A' : humanSizeWithPrecision(img.Size - img.SharedSize, 3),
        VirtualSize: humanSizeWithPrecision(img.VirtualSize ?? img.Size, 3),
      },
      '*formatter.imageContext',
    ),
  );
}
