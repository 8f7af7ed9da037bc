import { invalidArgument } from '../lib/errdefs.js';
import type { AuthConfig } from '../core/registry.js';
import { AUTH_CONFIG } from './bodies.js';
import { parseJson } from './http.js';

/** Decodes `X-Registry-Auth`; an empty or `{}` header means anonymous. */
export function decodeAuthHeader(header: string | undefined): AuthConfig | undefined {
  if (!header) return undefined;
  let json: AuthConfig | undefined;
  try {
    json = parseJson<AuthConfig>(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(), AUTH_CONFIG);
  } catch (err) {
    throw invalidArgument(`invalid X-Registry-Auth header: ${(err as Error).message}`);
  }
  return json === undefined ? undefined : normalize(json);
}

/** Fills username/password from the `auth` field (`base64(user:pass)`, as config.json stores it). */
export function normalize(a: AuthConfig): AuthConfig | undefined {
  const out = { ...a };
  if (!out.username && out.auth) {
    const plain = Buffer.from(out.auth, 'base64').toString();
    const i = plain.indexOf(':');
    if (i > 0) {
      out.username = plain.slice(0, i);
      out.password = plain.slice(i + 1);
    }
  }
  return out.username || out.identitytoken || out.registrytoken ? out : undefined;
}

/** `https://index.docker.io/v1/`, `localhost:5000`, `http://host:5000/` → the registry's host. */
export function registryHost(address: string): string {
  if (address === '' || /(^|\/\/)(index\.|registry-1\.)?docker\.io(\/|$)/.test(address)) return 'docker.io';
  return address.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}
