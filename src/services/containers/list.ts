import type { ContainerRecord } from '../../core/containers.js';
import { invalidArgument } from '../../lib/errdefs.js';
import type { ImageStore } from '../../core/images.js';
import { matchLabels, matchPattern, type Filters } from '../../lib/filters.js';

export const LIST_FILTERS = [
  'id',
  'name',
  'label',
  'status',
  'exited',
  'ancestor',
  'before',
  'since',
  'network',
  'volume',
  'health',
  'is-task',
  'expose',
  'publish',
  'isolation',
];
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export interface ListOptions {
  all: boolean;
  limit?: number;
  filters: Filters;
}

/** `docker ps`: newest first, running only unless `all`, then Docker's filters. */
export function listContainers(all: ContainerRecord[], images: ImageStore, opts: ListOptions): ContainerRecord[] {
  const f = opts.filters;
  for (const s of f.get('status') ?? []) if (!STATUSES.includes(s)) throw invalidArgument(`invalid filter 'status=${s}'`);
  const byAge = [...all].sort((a, b) => (a.Created < b.Created ? 1 : a.Created > b.Created ? -1 : 0));
  const showAll = opts.all || (opts.limit !== undefined && opts.limit > 0) || f.has('status') || f.has('exited');
  const beforeRec = f.get('before')?.[0];
  const sinceRec = f.get('since')?.[0];
  const find = (ref: string): ContainerRecord | undefined => all.find((c) => c.Id.startsWith(ref) || c.Name === ref.replace(/^\//, ''));
  const before = beforeRec === undefined ? undefined : find(beforeRec);
  const since = sinceRec === undefined ? undefined : find(sinceRec);
  const ancestors = (f.get('ancestor') ?? []).map((a) => images.resolve(a)?.id ?? a);

  const out = byAge.filter((c) => {
    if (!showAll && c.State.Status !== 'running' && c.State.Status !== 'paused') return false;
    if (f.has('id') && !f.get('id')!.some((id) => c.Id.startsWith(id))) return false;
    // Docker matches the name with its leading slash, and without it: `^/web$` and `^web$` both work.
    if (f.has('name') && !f.get('name')!.some((n) => matchPattern(n, `/${c.Name}`) || matchPattern(n, c.Name))) return false;
    if (f.has('status') && !f.get('status')!.includes(c.State.Status)) return false;
    if (f.has('exited') && !(c.State.Status === 'exited' && f.get('exited')!.includes(String(c.State.ExitCode)))) return false;
    if (f.has('label') && !matchLabels(c.Config.Labels, f.get('label')!)) return false;
    if (f.has('volume') && !f.get('volume')!.some((v) => (c.MountPoints ?? []).some((m) => m.Name === v || m.Destination === v))) return false;
    if (ancestors.length && !ancestors.some((a) => c.Image === a || c.ImageRef === a)) return false;
    if (before && c.Created >= before.Created) return false;
    if (since && c.Created <= since.Created) return false;
    return true;
  });
  return opts.limit !== undefined && opts.limit > 0 ? out.slice(0, opts.limit) : out;
}
