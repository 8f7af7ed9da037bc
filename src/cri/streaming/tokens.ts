import { randomBytes } from 'node:crypto';
import { tooLarge } from '../../lib/errdefs.js';

/** How long a URL stays valid, and how many may wait at once (the kubelet streaming server's request cache). */
export const TOKEN_TTL_MS = 60_000;
export const MAX_IN_FLIGHT = 1000;

/**
 * Single-use tokens for the streaming URLs, as k8s.io/kubelet/pkg/cri/streaming's request cache:
 * 8 random bytes in unpadded base64url, valid for a minute; taking one removes it.
 */
export class RequestCache<T> {
  private readonly byToken = new Map<string, { value: T; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  insert(value: T): string {
    this.sweep();
    if (this.byToken.size >= MAX_IN_FLIGHT) throw tooLarge('maximum number of in-flight requests exceeded');
    let token: string;
    do token = randomBytes(8).toString('base64url');
    while (this.byToken.has(token));
    this.byToken.set(token, { value, expires: this.now() + TOKEN_TTL_MS });
    return token;
  }

  /** The request of an unexpired token, which is spent; undefined for an unknown, used or expired one. */
  consume(token: string): T | undefined {
    const e = this.byToken.get(token);
    this.byToken.delete(token);
    if (e === undefined || e.expires <= this.now()) return undefined;
    return e.value;
  }

  private sweep(): void {
    const now = this.now();
    for (const [t, e] of this.byToken) if (e.expires <= now) this.byToken.delete(t);
  }
}
