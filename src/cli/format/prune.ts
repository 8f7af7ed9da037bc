import type { ContainerPruneResponse, ImagePruneResponse } from '../../api/types/disk-usage.js';

/** The docker CLI's prune reports: a titled list, then a blank line; nothing when nothing went. */
export function deletedContainersText(r: ContainerPruneResponse): string {
  const ids = r.ContainersDeleted ?? [];
  return ids.length > 0 ? `Deleted Containers:\n${ids.map((id) => `${id}\n`).join('')}\n` : '';
}

export function deletedImagesText(r: ImagePruneResponse): string {
  const items = r.ImagesDeleted ?? [];
  if (items.length === 0) return '';
  return `Deleted Images:\n${items.map((i) => ('Untagged' in i ? `untagged: ${i.Untagged}\n` : `deleted: ${i.Deleted}\n`)).join('')}\n`;
}
