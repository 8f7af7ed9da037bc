import type { HistoryEntry, Image, ImageConfigBlob } from '../../core/images.js';

/**
 * Parent/child relations between local images, derived from their contents rather than stored:
 * P is an ancestor of C when C's layers and history start with all of P's. (Docker keeps a
 * parent pointer for built and committed images; deriving it needs no extra state, survives
 * save/load, and gives the same answers for images made here.)
 */
export function isAncestor(p: Image, c: Image): boolean {
  if (p.id === c.id || (p.config.history ?? []).length === 0) return false;
  return startsWith(c.config, p.config);
}

/** Whether config `c` has more history than `p` and its layers and history begin with all of `p`'s. */
export function startsWith(c: ImageConfigBlob, p: ImageConfigBlob): boolean {
  const pl = p.rootfs.diff_ids;
  const cl = c.rootfs.diff_ids;
  const ph = p.history ?? [];
  const ch = c.history ?? [];
  if (pl.length > cl.length || ph.length >= ch.length) return false;
  return pl.every((d, i) => cl[i] === d) && ph.every((h, i) => sameEntry(h, ch[i]!));
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.created === b.created && a.created_by === b.created_by && (a.comment ?? '') === (b.comment ?? '') && !!a.empty_layer === !!b.empty_layer;
}

/** The nearest ancestor among `all` (the one with the longest history), if any. */
export function parentOf(img: Image, all: Image[]): Image | undefined {
  let best: Image | undefined;
  for (const other of all) {
    if (isAncestor(other, img) && (best === undefined || (other.config.history?.length ?? 0) > (best.config.history?.length ?? 0))) best = other;
  }
  return best;
}

/** Whether any local image is built on `img` (O(n); what rmi, prune and the intermediate-image rule ask). */
export function hasDescendants(img: Image, all: Image[]): boolean {
  return all.some((c) => isAncestor(img, c));
}

/** Images whose nearest ancestor is `img`. */
export function childrenOf(img: Image, all: Image[]): Image[] {
  return all.filter((c) => isAncestor(img, c) && parentOf(c, all)?.id === img.id);
}

/** The image among `all` whose history is exactly the first `n` entries of `img`'s (the image of that step). */
export function imageAtStep(img: Image, n: number, all: Image[]): Image | undefined {
  if (n === (img.config.history?.length ?? 0)) return img;
  return all.find((o) => (o.config.history?.length ?? 0) === n && isAncestor(o, img));
}
