// The CLI's side of registries: docker's config.json auths and credential helpers, and the pull
// that `pull` and `run`/`create` share. Below the commands; imports endpoint/, exit/, format/,
// the client and lib.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseNormalizedNamed } from '../../lib/reference.js';
import { helperErase, helperGet, helperStore } from './credential-helper.js';

/** Docker Hub's key in config.json, as the docker CLI writes it. */
export const HUB_KEY = 'https://index.docker.io/v1/';

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  /** A credential helper for every registry (`docker-credential-<credsStore>`). */
  credsStore?: string;
  /** Per-registry helpers, ahead of credsStore. */
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

/** The helper that keeps a server's credentials, if the config names one (the docker CLI's rule). */
function helperFor(cfg: ConfigFile, key: string): string | undefined {
  return cfg.credHelpers?.[key] || cfg.credsStore || undefined;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (shared with the docker CLI). */
export function configPath(): string {
  return join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

async function readConfig(): Promise<ConfigFile> {
  try {
    return JSON.parse(await readFile(configPath(), 'utf8')) as ConfigFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

async function writeConfig(cfg: ConfigFile): Promise<void> {
  const path = configPath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

/** The config.json key for a server address: Docker Hub's URL, else the bare host[:port]. */
export function serverKey(address: string | undefined): string {
  if (!address || /(^|\/\/)(index\.|registry-1\.)?docker\.io(\/|$)/.test(address)) return HUB_KEY;
  return address.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

/**
 * Saves a login. With a credential helper configured the password goes to the helper and
 * config.json only records the server (an empty entry, as the docker CLI writes); without
 * one it is stored base64-encoded in config.json, as the docker CLI does.
 */
export async function storeCredentials(address: string | undefined, username: string, password: string): Promise<void> {
  const cfg = await readConfig();
  const key = serverKey(address);
  const helper = helperFor(cfg, key);
  if (helper !== undefined) await helperStore(helper, { ServerURL: key, Username: username, Secret: password });
  cfg.auths = { ...cfg.auths, [key]: helper !== undefined ? {} : { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  await writeConfig(cfg);
}

/** Removes the stored credentials; false when there were none. */
export async function eraseCredentials(address: string | undefined): Promise<boolean> {
  const cfg = await readConfig();
  const key = serverKey(address);
  if (!cfg.auths?.[key]) return false;
  const helper = helperFor(cfg, key);
  if (helper !== undefined) await helperErase(helper, key);
  delete cfg.auths[key];
  await writeConfig(cfg);
  return true;
}

/** The X-Registry-Auth header (base64url JSON) for an image reference's registry, if logged in. */
export async function registryAuthFor(image: string): Promise<string | undefined> {
  const domain = parseNormalizedNamed(image).domain;
  const key = domain === 'docker.io' ? HUB_KEY : domain;
  const cfg = await readConfig();
  const helper = helperFor(cfg, key);
  let username: string;
  let password: string;
  if (helper !== undefined) {
    const creds = await helperGet(helper, key);
    if (creds === undefined) return undefined;
    [username, password] = [creds.Username, creds.Secret];
  } else {
    const entry = cfg.auths?.[key];
    if (!entry?.auth) return undefined;
    const plain = Buffer.from(entry.auth, 'base64').toString();
    const i = plain.indexOf(':');
    [username, password] = [plain.slice(0, i), plain.slice(i + 1)];
  }
  return Buffer.from(JSON.stringify({ username, password, serveraddress: key })).toString('base64url');
}
