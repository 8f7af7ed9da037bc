import { internal, type BerthError } from '../lib/errdefs.js';
import type { PodSandboxMetadata } from './types.js';

/** containerd's name of a sandbox (its registrar's key): `<pod>_<namespace>_<uid>_<attempt>`. */
export const sandboxReservedName = (p: PodSandboxMetadata): string => `${p.name}_${p.namespace}_${p.uid}_${p.attempt}`;

/** containerd's name of a container: `<container>_<pod>_<namespace>_<uid>_<attempt>`. */
export const containerReservedName = (c: { name: string; attempt: number }, p: PodSandboxMetadata): string =>
  `${c.name}_${p.name}_${p.namespace}_${p.uid}_${c.attempt}`;

/**
 * The error a second RunPodSandbox or CreateContainer with a name already taken answers, word for
 * word containerd's (a plain error: gRPC code Unknown), so the kubelet's retry logic reads it alike.
 */
export function nameReserved(what: 'sandbox' | 'container', name: string, id: string): BerthError {
  return internal(`failed to reserve ${what} name ${JSON.stringify(name)}: name ${JSON.stringify(name)} is reserved for ${JSON.stringify(id)}`);
}
