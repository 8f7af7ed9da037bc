/**
 * Go's os.FileMode, which Docker's API uses for file modes (ContainerPathStat.mode): the
 * permission bits plus one high bit per file type and special flag.
 */
const BIT = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  pipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
};

const has = (mode: number, bit: number): boolean => Math.floor(mode / bit) % 2 === 1;

/** st_mode → os.FileMode. */
export function goFileMode(mode: number): number {
  const fmt = mode & 0o170000;
  let m = mode & 0o777;
  if (fmt === 0o040000) m += BIT.dir;
  else if (fmt === 0o120000) m += BIT.symlink;
  else if (fmt === 0o010000) m += BIT.pipe;
  else if (fmt === 0o140000) m += BIT.socket;
  else if (fmt === 0o060000) m += BIT.device;
  else if (fmt === 0o020000) m += BIT.device + BIT.charDevice;
  if (mode & 0o4000) m += BIT.setuid;
  if (mode & 0o2000) m += BIT.setgid;
  if (mode & 0o1000) m += BIT.sticky;
  return m;
}

export const goModeIsDir = (mode: number): boolean => has(mode, BIT.dir);
export const goModeIsSymlink = (mode: number): boolean => has(mode, BIT.symlink);
