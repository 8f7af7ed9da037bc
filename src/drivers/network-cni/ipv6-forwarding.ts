import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isErrno } from '../../lib/errdefs.js';
import { run } from '../../lib/exec.js';

/**
 * The bridge plugin turns `net.ipv6.conf.all.forwarding` on, host-wide, on every ADD that gives an
 * IPv6 address (as dockerd does for IPv6 networks). berth puts it back: before such an ADD it notes
 * (once, host-wide, shared by every berthd) that forwarding was off; when a network goes and no
 * bridge berth made carries a global IPv6 address any more, it turns forwarding off again and drops
 * the note. Forwarding that was on before berth (another engine's, the admin's) is never touched.
 */
const ALL = '/proc/sys/net/ipv6/conf/all/forwarding';
export const FORWARDING_NOTE = '/run/berth-ipv6-forwarding-was-off';

export async function noteIpv6Forwarding(): Promise<void> {
  if ((await readFile(ALL, 'utf8')).trim() !== '0') return;
  await writeFile(FORWARDING_NOTE, '0\n', { flag: 'wx' }).catch((err: unknown) => {
    if (!isErrno(err, 'EEXIST')) throw err;
  });
}

/** Bridges berth made (alias `berth:<network id>`) that carry a global IPv6 address. */
async function berthIpv6Bridges(): Promise<string[]> {
  const { stdout } = await run('ip', ['-6', '-o', 'addr', 'show', 'scope', 'global']);
  const devs = new Set(
    stdout
      .split('\n')
      .map((l) => l.split(/\s+/)[1])
      .filter((d): d is string => !!d),
  );
  const out: string[] = [];
  for (const dev of await readdir('/sys/class/net').catch(() => [] as string[])) {
    if (!devs.has(dev)) continue;
    const alias = await readFile(`/sys/class/net/${dev}/ifalias`, 'utf8').catch(() => '');
    if (alias.startsWith('berth:')) out.push(dev);
  }
  return out;
}

export async function releaseIpv6Forwarding(): Promise<boolean> {
  const noted = await readFile(FORWARDING_NOTE, 'utf8').then(
    () => true,
    () => false,
  );
  if (!noted || (await berthIpv6Bridges()).length > 0) return false;
  await writeFile(ALL, '0\n');
  await rm(FORWARDING_NOTE, { force: true });
  return true;
}
