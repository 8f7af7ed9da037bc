import type { NetworkRecord } from '../../core/network.js';
import { invalidArgument } from '../../lib/errdefs.js';
import { run } from '../../lib/exec.js';

/**
 * Which bridge berth may use for a network: one it made for that network, never a host interface.
 * A bridge berth makes carries the network's ID as its alias (ifalias); bridges made before the
 * alias existed are taken only for a network stored with that bridge name (`adoptUnmarked`).
 */
const ownerAlias = (net: NetworkRecord): string => `berth:${net.Id}`;

/** The link's kind (`bridge`, `veth`, `dummy`, … — undefined for a physical one) and alias, or undefined when there is none by that name. */
async function hostLink(name: string): Promise<{ kind?: string; alias?: string } | undefined> {
  const out = await run('ip', ['-d', '-j', 'link', 'show', 'dev', name]).then(
    (r) => r.stdout,
    () => undefined,
  );
  if (out === undefined) return undefined;
  const [link] = JSON.parse(out) as { linkinfo?: { info_kind?: string }; ifalias?: string }[];
  return { kind: link?.linkinfo?.info_kind, alias: link?.ifalias };
}

/** Makes the network's bridge, or checks that the one by that name is berth's for this network; takes over nothing else. */
export async function claimBridge(net: NetworkRecord, opts: { adoptUnmarked?: boolean } = {}): Promise<void> {
  const br = net.BridgeName!;
  const link = await hostLink(br);
  if (link?.alias === ownerAlias(net)) return;
  if (link === undefined) await run('ip', ['link', 'add', br, 'type', 'bridge']);
  else if (link.kind !== 'bridge') throw invalidArgument(`existing interface ${br} is not a bridge`);
  else if (link.alias !== undefined || opts.adoptUnmarked !== true) {
    throw invalidArgument(`bridge ${br} already exists on the host and was not made by berth for network ${net.Name}: choose another bridge name`);
  }
  await run('ip', ['link', 'set', 'dev', br, 'alias', ownerAlias(net)]);
}

/** Deletes the network's bridge if it is the one berth made for it (a host interface is never touched). */
export async function releaseBridge(net: NetworkRecord): Promise<void> {
  if ((await hostLink(net.BridgeName!))?.alias === ownerAlias(net)) await run('ip', ['link', 'del', net.BridgeName!]);
}
