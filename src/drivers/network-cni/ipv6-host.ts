import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isErrno } from '../../lib/errdefs.js';
import { run } from '../../lib/exec.js';

/**
 * What IPv6 networks change on the host, and how berth puts it back.
 *
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

/**
 * When no bridge berth made carries IPv6 any more (a network rm, start-up after a crash): what
 * IPv6 networks changed on the host goes back — forwarding, if berth turned it on, and the
 * ip6tables chains, if empty. Returns what it released.
 */
export async function releaseIpv6Host(): Promise<string[]> {
  if ((await berthIpv6Bridges()).length > 0) return [];
  const out = (await dropEmptyIpv6Chains()).map((c) => `ip6tables chain ${c}`);
  const noted = await readFile(FORWARDING_NOTE, 'utf8').then(
    () => true,
    () => false,
  );
  if (noted) {
    await writeFile(ALL, '0\n');
    await rm(FORWARDING_NOTE, { force: true });
    out.push('net.ipv6.conf.all.forwarding (back to 0)');
  }
  return out;
}

/**
 * The forwarding rules of every berth network live in one chain, jumped to first from FORWARD
 * (so a host firewall's later REJECT or a DROP policy does not shadow them), in iptables and in
 * ip6tables. Like portmap's CNI-HOSTPORT chains it is shared by every berthd on the host.
 */
export const FORWARD_CHAIN = 'BERTH-FORWARD';

const LOOPBACK_RETURN_COMMENT = 'berth: ::1 is served by the userland proxy';
const LOOPBACK_RETURN = ['-d', '::1/128', '-m', 'comment', '--comment', LOOPBACK_RETURN_COMMENT, '-j', 'RETURN'];

/** First in portmap's IPv6 DNAT chain: connections to ::1 are left to the proxy listening there. */
export async function keepLoopbackFromDnat(): Promise<void> {
  const present = await run('ip6tables', ['-w', '-t', 'nat', '-C', 'CNI-HOSTPORT-DNAT', ...LOOPBACK_RETURN]).then(
    () => true,
    () => false,
  );
  if (!present) await run('ip6tables', ['-w', '-t', 'nat', '-I', 'CNI-HOSTPORT-DNAT', '1', ...LOOPBACK_RETURN]);
}

/**
 * IPv6 leaves nothing behind once its last network is gone: the host's ip6tables had none of these
 * before berth (IPv4's `BERTH-FORWARD` and portmap's chains stay, as other CNI users share them).
 * A chain is dropped only when empty; if another berthd fills it meanwhile, `-X` fails and the
 * jump is put back.
 */
async function dropEmptyIpv6Chains(): Promise<string[]> {
  const dropped: string[] = [];
  const empty = async (table: string, chain: string): Promise<boolean> => {
    const r = await run('ip6tables', ['-w', '-t', table, '-S', chain]).catch(() => undefined);
    return r !== undefined && !r.stdout.split('\n').some((l) => l.startsWith('-A ') && !l.includes(LOOPBACK_RETURN_COMMENT));
  };
  const drop = async (table: string, chain: string, jumps: string[][]): Promise<void> => {
    if (!(await empty(table, chain))) return;
    for (const j of jumps) await run('ip6tables', ['-w', '-t', table, '-D', ...j]).catch(() => undefined);
    if (chain === 'CNI-HOSTPORT-DNAT') await run('ip6tables', ['-w', '-t', 'nat', '-D', chain, ...LOOPBACK_RETURN]).catch(() => undefined);
    const gone = await run('ip6tables', ['-w', '-t', table, '-X', chain]).then(
      () => true,
      () => false,
    );
    if (gone) dropped.push(chain);
    else for (const j of jumps) await run('ip6tables', ['-w', '-t', table, '-A', ...j]).catch(() => undefined);
  };
  await drop('filter', FORWARD_CHAIN, [['FORWARD', '-m', 'comment', '--comment', 'berth networks', '-j', FORWARD_CHAIN]]);
  // portmap's IPv6 chains: its DNAT chain (jumped to from PREROUTING and OUTPUT) and the masquerade pair.
  if (!(await empty('nat', 'CNI-HOSTPORT-DNAT'))) return dropped;
  await drop('nat', 'CNI-HOSTPORT-DNAT', [
    ['PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT'],
    ['OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT'],
  ]);
  const masq = ['POSTROUTING', '-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ'];
  await run('ip6tables', ['-w', '-t', 'nat', '-D', ...masq]).catch(() => undefined);
  for (const chain of ['CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    await run('ip6tables', ['-w', '-t', 'nat', '-F', chain]).catch(() => undefined);
    if (
      await run('ip6tables', ['-w', '-t', 'nat', '-X', chain]).then(
        () => true,
        () => false,
      )
    )
      dropped.push(chain);
  }
  return dropped;
}
