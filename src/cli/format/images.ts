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

/** One row per repository:tag (a dangling image is one `<none>` row), as `docker images` lists them. */
export function imageContexts(img: ImageSummary, opts: { trunc: boolean; digests?: boolean }, now = Date.now()): Array<Record<string, unknown>> {
  const tags = img.RepoTags.filter((t) => t !== '<none>:<none>');
  const pairs = tags.length ? tags.map((t) => [t.slice(0, t.lastIndexOf(':')), t.slice(t.lastIndexOf(':') + 1)]) : [['<none>', '<none>']];
  return pairs.map(([repo, tag]) =>
    asStruct(
      {
        ID: opts.trunc ? img.Id.replace(/^sha256:/, '').slice(0, 12) : img.Id,
        Repository: repo,
        Tag: tag,
        Digest: img.RepoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>',
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
