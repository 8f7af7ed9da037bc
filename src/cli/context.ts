import { EngineClient } from '../client/engine.js';
import { parseHost } from '../client/transport.js';

export const DEFAULT_HOST = 'unix:///run/berth.sock';

/** Where the CLI talks to: -H, then BERTH_HOST, then DOCKER_HOST (a drop-in honours it), then the default socket. */
export function resolveHost(flag: string | undefined): string {
  return flag ?? process.env.BERTH_HOST ?? process.env.DOCKER_HOST ?? DEFAULT_HOST;
}

let client: EngineClient | undefined;
let host: string | undefined;

export function setHost(h: string | undefined): void {
  host = h;
}

/** The Engine API client, created on first use (so `--help` never touches the socket). */
export function engine(): EngineClient {
  client ??= new EngineClient(parseHost(resolveHost(host)));
  return client;
}

export function out(s: string): void {
  process.stdout.write(s);
}
