import type { ImageHistoryItem } from '../../api/types/images.js';
import { humanDuration, humanSizeWithPrecision } from '../../lib/go/units.js';
import { ellipsis } from './containers.js';
import { asStruct } from '../../lib/go/template/template.js';

export const HISTORY_DEFAULT = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

export const HISTORY_HEADERS: Record<string, string> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

/** One `docker history` row (the CLI's historyContext): `-H` human sizes and ages, `--no-trunc`. */
export function historyContext(h: ImageHistoryItem, opts: { trunc: boolean; human: boolean }, now = Date.now()): Record<string, unknown> {
  const createdBy = h.CreatedBy.replaceAll('\t', ' ');
  const at = new Date(h.Created * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return asStruct(
    {
      ID: opts.trunc && h.Id.startsWith('sha256:') ? h.Id.slice(7, 19) : h.Id,
      CreatedSince: opts.human ? `${humanDuration(now - h.Created * 1000)} ago` : at,
      CreatedAt: at,
      CreatedBy: opts.trunc ? ellipsis(createdBy, 45) : createdBy,
      Size: opts.human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size),
      Comment: h.Comment,
      Tags: (h.Tags ?? []).join(', '),
    },
    '*formatter.historyContext',
  );
}
