import type { Command } from 'commander';
import { engine, out } from '../../endpoint/context.js';
import { forEachTarget } from '../../exit/errors.js';
import { NETWORKS_DEFAULT, NETWORKS_HEADERS, networkContext } from '../../format/networks.js';
import { renderRows } from '../../format/render.js';
import { collect, filtersJson, parseBoolFlag } from '../../flags/options.js';
import { endpointIpam, type EndpointFlags } from '../../flags/endpoint-ipam.js';
import { typedInspectCommand } from '../../inspect/inspector.js';
import { deletedNetworksText } from '../../format/prune.js';
import { pruneCommand } from '../../prune/prune-command.js';

const keyValues = (list: string[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((l) => (l.includes('=') ? [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] : [l, ''])));

interface CreateFlags {
  driver?: string;
  subnet?: string[];
  gateway?: string[];
  ipRange?: string[];
  internal?: boolean;
  attachable?: boolean;
  ipv4?: string | boolean;
  ipv6?: boolean;
  label?: string[];
  opt?: string[];
}

/** `network create|ls|inspect|rm|prune|connect|disconnect`. */
export function networkCommands(program: Command): void {
  const network = program.command('network').description('Manage networks');

  network
    .command('create')
    .description('Create a network')
    .argument('<network>')
    .option('-d, --driver <string>', 'Driver to manage the Network', 'bridge')
    .option('--subnet <list>', 'Subnet in CIDR format that represents a network segment', collect)
    .option('--gateway <list>', 'IPv4 or IPv6 Gateway for the master subnet', collect)
    .option('--ip-range <list>', 'Allocate container ip from a sub-range', collect)
    .option('--internal', 'Restrict external access to the network')
    .option('--attachable', 'Enable manual container attachment')
    // pflag bools: `--ipv4=false` makes an IPv6-only network; a bare `--ipv6` takes no value (the name follows it).
    .option('--ipv4 [bool]', 'Enable or disable IPv4 address assignment')
    .option('--ipv6', 'Enable or disable IPv6 address assignment')
    .option('--label <list>', 'Set metadata on a network', collect)
    .option('-o, --opt <list>', 'Set driver specific options', collect)
    .action(async (name: string, f: CreateFlags) => {
      const config = (f.subnet ?? []).map((s, i) => ({ Subnet: s, Gateway: f.gateway?.[i] ?? '', IPRange: f.ipRange?.[i] ?? '' }));
      if (config.length === 0 && (f.gateway?.length || f.ipRange?.length)) {
        config.push({ Subnet: '', Gateway: f.gateway?.[0] ?? '', IPRange: f.ipRange?.[0] ?? '' });
      }
      const r = await engine().networkCreate({
        Name: name,
        CheckDuplicate: true,
        Driver: f.driver,
        Internal: f.internal === true,
        Attachable: f.attachable === true,
        ...(f.ipv4 !== undefined ? { EnableIPv4: parseBoolFlag(f.ipv4, '--ipv4') } : {}),
        ...(f.ipv6 !== undefined ? { EnableIPv6: f.ipv6 } : {}),
        IPAM: { Driver: 'default', Config: config, Options: {} },
        Options: keyValues(f.opt),
        Labels: keyValues(f.label),
      });
      out(`${r.Id}\n`);
    });

  network
    .command('ls')
    .alias('list')
    .description('List networks')
    .option('-f, --filter <filter>', "Provide filter values (e.g. 'driver=bridge')", collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', 'Do not truncate the output')
    .option('-q, --quiet', 'Only display network IDs')
    .action(async (f: { filter?: string[]; format?: string; trunc?: boolean; quiet?: boolean }) => {
      const list = (await engine().networkList({ filters: filtersJson(f.filter) })).sort((a, b) => a.Name.localeCompare(b.Name));
      const format = f.quiet ? '{{.ID}}' : (f.format ?? NETWORKS_DEFAULT);
      out(
        renderRows(
          format,
          list.map((n) => networkContext(n, f.trunc === false)),
          NETWORKS_HEADERS,
        ),
      );
    });

  typedInspectCommand(network, 'network', (n) => engine().networkInspect(n));

  network
    .command('rm')
    .alias('remove')
    .description('Remove one or more networks')
    .argument('<network...>')
    .option('-f, --force', 'Do not error if the network does not exist')
    .action(async (names: string[]) => {
      await forEachTarget(names, async (n) => {
        await engine().networkRemove(n);
        out(`${n}\n`);
      });
    });

  pruneCommand(network, {
    description: 'Remove all unused networks',
    filterHelp: "Provide filter values (e.g. 'until=<timestamp>')",
    warning: () => 'WARNING! This will remove all custom networks not used by at least one container.',
    run: async (filters) => ({ text: deletedNetworksText(await engine().networkPrune({ filters: filtersJson(filters) })) }),
  });

  network
    .command('connect')
    .description('Connect a container to a network')
    .argument('<network>')
    .argument('<container>')
    .option('--alias <list>', 'Add network-scoped alias for the container', collect)
    .option('--ip <string>', 'IPv4 address (e.g., "172.30.100.104")')
    .option('--ip6 <string>', 'IPv6 address (e.g., "2001:db8::33")')
    .option('--link-local-ip <list>', 'Add a link-local address for the container', collect)
    .option('--link <list>', 'Add link to another container', collect)
    .action(async (net: string, container: string, f: EndpointFlags & { alias?: string[]; link?: string[] }) => {
      await engine().networkConnect(net, {
        Container: container,
        EndpointConfig: { Aliases: f.alias ?? null, Links: f.link ?? null, IPAMConfig: endpointIpam(f) },
      });
    });

  network
    .command('disconnect')
    .description('Disconnect a container from a network')
    .argument('<network>')
    .argument('<container>')
    .option('-f, --force', 'Force the container to disconnect from a network')
    .action(async (net: string, container: string, f: { force?: boolean }) => {
      await engine().networkDisconnect(net, container, f.force);
    });
}
