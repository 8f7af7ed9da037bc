import type { Stats } from 'node:fs';

/** overlayfs whiteouts: a 0/0 character device, or (kernel ≥ 6.7) a file marked by xattr. */
export function isOverlayWhiteout(st: Stats, attrs: Map<string, Buffer> | undefined): boolean {
  if (st.isCharacterDevice() && st.rdev === 0) return true;
  return st.isFile() && st.size === 0 && attrs?.has('trusted.overlay.whiteout') === true;
}
