import { createHash, randomBytes } from 'node:crypto';

/** A content digest in OCI form: `sha256:<64 hex>`. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

export function sha256(data: string | Buffer): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function hexOf(d: Digest): string {
  return d.slice('sha256:'.length);
}

/** A new random 64-hex-digit ID, as Docker uses for containers and exec sessions. */
export function randomId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The chain ID of a stack of layers (OCI image spec): the first layer's diff ID, then
 * sha256(parentChain + " " + diffID) for each next layer. Snapshots are keyed by it.
 */
export function chainIds(diffIds: Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) {
    out.push(out.length === 0 ? d : sha256(`${out[out.length - 1]} ${d}`));
  }
  return out;
}
