/**
 * Query parameters whose values never reach the daemon's log: build args (`buildargs`), auth in
 * any spelling (`auth`, `X-Registry-Auth` passed as a query by some clients, `registryconfig`),
 * passwords, secrets, tokens and keys. Docker masks the same words in the bodies it logs with -D
 * (`maskSecretKeys`: auth, password, secret, jointoken, unlockkey, signingcakey).
 */
const SECRET_PARAM = /auth|pass|secret|token|key|cred|buildarg|registryconfig/i;
export const MASK = '*****';

/**
 * A request target as the debug log may show it: secret-looking query values masked, and
 * `user:password@` in any value (a build `remote=https://u:p@host/repo.git`) reduced to `*****@`.
 * Headers (X-Registry-Auth, X-Registry-Config, Authorization) and bodies are never logged.
 */
export function redactTarget(target: string | undefined): string {
  if (target === undefined) return '';
  const q = target.indexOf('?');
  if (q < 0) return target;
  const parts = target
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const key = pair.slice(0, eq);
      if (SECRET_PARAM.test(safeDecode(key))) return `${key}=${MASK}`;
      return `${key}=${pair.slice(eq + 1).replace(/((?:\/\/|%2F%2F)[^@/?#&]*?)(?::|%3A)[^@/?#&]*(?:@|%40)/gi, `$1:${MASK}@`)}`;
    });
  return `${target.slice(0, q)}?${parts.join('&')}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
