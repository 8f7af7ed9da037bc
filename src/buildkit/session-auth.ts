import type { AuthConfig } from '../core/registry.js';
import { buildkitProtos } from './protos.js';
import { sessionUnary } from './session-call.js';
import type { Session } from './sessions.js';

const CREDENTIALS = '/moby.filesync.v1.Auth/Credentials';

/** The host BuildKit asks credentials for: Docker Hub's registry by its API host, as buildx's auth provider expects it. */
const authHost = (domain: string): string => (domain === 'docker.io' ? 'registry-1.docker.io' : domain);

/**
 * The client's credentials for a registry (its `docker login`, config.json or credential helper),
 * asked through its session's `Auth.Credentials` as BuildKit does before a pull; undefined when
 * it has none (the pull is then anonymous). buildx sends an identity token as the secret alone.
 */
export async function getSessionCredentials(session: Session, domain: string): Promise<AuthConfig | undefined> {
  if (!session.methods.has(CREDENTIALS)) return undefined;
  const res = await sessionUnary<{ Host: string }, { Username: string; Secret: string }>(session.h2, buildkitProtos().method(CREDENTIALS) as never, {
    Host: authHost(domain),
  });
  if (res === undefined || res.Secret === '') return undefined;
  return res.Username !== '' ? { username: res.Username, password: res.Secret, serveraddress: domain } : { identitytoken: res.Secret, serveraddress: domain };
}
