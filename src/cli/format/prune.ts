import type { ContainerPruneResponse, ImagePruneResponse } from '../../api/types/disk-usage.js';

/** The docker CLI's prune reports: a titled list (then a blank line, except for networks); nothing when nothing went. */
function titledList(title: string, lines: string[], blankAfter = true): string {
  return lines.length > 0 ? `${title}:\n${lines.map((l) => `${l}\n`).join('')}${blankAfter ? '\n' : ''}` : '';
}

export function deletedContainersText(r: ContainerPruneResponse): string {
  return titledList('Deleted Containers', r.ContainersDeleted ?? []);
}

export function deletedImagesText(r: ImagePruneResponse): string {
  return titledList(
    'Deleted Images',
    (r.ImagesDeleted ?? []).map((i) => ('Untagged' in i ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`)),
  );
}

export function deletedVolumesText(r: { VolumesDeleted: string[] | null }): string {
  return titledList('Deleted Volumes', r.VolumesDeleted ?? []);
}

export function deletedNetworksText(r: { NetworksDeleted: string[] | null }): string {
  return titledList('Deleted Networks', r.NetworksDeleted ?? [], false);
}
