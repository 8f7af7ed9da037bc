import type { AuthConfig } from '../core/registry.js';
import { internal, invalidArgument, unavailable } from '../lib/errdefs.js';
import { pullImage } from '../services/images/pull.js';
import type { CriDeps } from './deps.js';
import { findImage } from './image-view.js';

/** runtime.v1.AuthConfig (proto field names). */
export interface CriAuth {
  username: string;
  password: string;
  auth: string;
  server_address: string;
  identity_token: string;
  registry_token: string;
}

/** The kubelet's credentials as the registry client takes them; `auth` is `base64(user:pass)` as in config.json. */
export function registryAuth(a: CriAuth | null): AuthConfig | undefined {
  if (a === null) return undefined;
  let { username, password } = a;
  if (!username && a.auth) {
    const plain = Buffer.from(a.auth, 'base64').toString();
    const i = plain.indexOf(':');
    if (i > 0) [username, password] = [plain.slice(0, i), plain.slice(i + 1)];
  }
  if (!username && !a.identity_token && !a.registry_token) return undefined;
  return { username, password, serveraddress: a.server_address, identitytoken: a.identity_token, registrytoken: a.registry_token };
}

/**
 * `PullImage`: through berth's pull service into the one store (`docker images` lists it, with
 * the pull's events); the answer is the image ID, as Image.id and the containers' image_id.
 */
export async function pullCriImage(deps: CriDeps, req: { image: { image: string } | null; auth: CriAuth | null }): Promise<{ image_ref: string }> {
  const ref = req.image?.image ?? '';
  if (ref === '') throw invalidArgument('PullImage: image.image is empty');
  const registry = deps.images.registry;
  if (registry === undefined) throw unavailable('no registry client configured');
  await pullImage({ ...deps.images, registry }, { ref, auth: registryAuth(req.auth) });
  const img = findImage(deps.images.images, ref);
  if (img === undefined) throw internal(`image ${ref} not in the store after its pull`);
  return { image_ref: img.id };
}
