import type { Command } from 'commander';
import type { VersionResponse } from '../../../api/types/system.js';
import { API_VERSION } from '../../../api/types/version.js';
import { engine, out } from '../../context.js';
import { describe, StatusError } from '../../errors.js';
import { renderOne } from '../../format/render.js';

export const CLI_VERSION = '0.1.0';

function clientInfo(): Record<string, string> {
  return { Platform: 'berth', Version: CLI_VERSION, ApiVersion: API_VERSION, APIVersion: API_VERSION, DefaultAPIVersion: API_VERSION, GoVersion: process.version, Os: 'linux', Arch: process.arch === 'x64' ? 'amd64' : process.arch, Context: 'default' };
}

function textVersion(c: Record<string, string>, s: VersionResponse | undefined): string {
  let text = `Client:\n Version:           ${c.Version}\n API version:       ${c.ApiVersion}\n Node version:      ${c.GoVersion}\n OS/Arch:           ${c.Os}/${c.Arch}\n Context:           ${c.Context}\n`;
  if (s) {
    text += `\nServer: berth\n Engine:\n  Version:          ${s.Version}\n  API version:      ${s.ApiVersion} (minimum version ${s.MinAPIVersion})\n  Node version:     ${s.GoVersion}\n  OS/Arch:          ${s.Os}/${s.Arch}\n  Kernel version:   ${s.KernelVersion}\n`;
  }
  return text;
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
