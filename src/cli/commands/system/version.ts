import type { Command } from 'commander';
import type { VersionResponse } from '../../../api/types/system.js';
import { API_VERSION } from '../../../api/types/version.js';
import { engine, out } from '../../endpoint/context.js';
import { describe, StatusError } from '../../exit/errors.js';
import { renderOne } from '../../format/render.js';

export const CLI_VERSION = '0.1.0';

function clientInfo(): Record<string, string> {
  return {
    Platform: 'berth',
    Version: CLI_VERSION,
    ApiVersion: API_VERSION,
    APIVersion: API_VERSION,
    DefaultAPIVersion: API_VERSION,
    GoVersion: `node ${process.version}`,
    GitCommit: 'berth',
    BuildTime: '',
    Os: 'linux',
    Arch: process.arch === 'x64' ? 'amd64' : process.arch,
    Context: 'default',
  };
}

const row = (label: string, value: string, indent: string): string => `${indent}${`${label}:`.padEnd(19 - indent.length + 1)}${value}`.trimEnd();

/** `docker version`'s layout: the client, then the server's Engine and each other component. */
function textVersion(c: Record<string, string>, s: VersionResponse | undefined): string {
  const lines = [
    'Client:',
    row('Version', c.Version!, ' '),
    row('API version', c.ApiVersion!, ' '),
    row('Go version', c.GoVersion!, ' '),
    row('Git commit', c.GitCommit!, ' '),
    row('Built', c.BuildTime!, ' '),
    row('OS/Arch', `${c.Os}/${c.Arch}`, ' '),
    row('Context', c.Context!, ' '),
  ];
  if (s) {
    lines.push('', `Server: ${s.Platform.Name}`);
    for (const comp of s.Components) {
      const d = comp.Details ?? {};
      lines.push(` ${comp.Name}:`);
      if (comp.Name === 'Engine') {
        lines.push(
          row('Version', comp.Version, '  '),
          row('API version', `${d.ApiVersion} (minimum version ${d.MinAPIVersion})`, '  '),
          row('Go version', d.GoVersion ?? '', '  '),
          row('Git commit', d.GitCommit ?? '', '  '),
          row('Built', d.BuildTime ?? '', '  '),
          row('OS/Arch', `${d.Os}/${d.Arch}`, '  '),
          row('Experimental', d.Experimental ?? 'false', '  '),
        );
      } else {
        lines.push(row('Version', comp.Version, '  '), ...Object.entries(d).map(([k, v]) => row(k, v, '  ')));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function versionCommand(parent: Command): void {
  parent
    .command('version')
    .description('Show the berth version information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (flags: { format?: string }) => {
      const client = clientInfo();
      let server: VersionResponse | undefined;
      let error: unknown;
      try {
        server = await engine().version();
      } catch (err) {
        error = err;
      }
      // Templates see the docker CLI's Go field names (`.Server.APIVersion`) besides the API's JSON ones.
      const templated = server ? { ...server, APIVersion: server.ApiVersion } : null;
      out(flags.format ? `${renderOne(flags.format, { Client: client, Server: templated })}\n` : textVersion(client, server));
      if (error !== undefined) throw new StatusError(1, describe(error));
    });
}
