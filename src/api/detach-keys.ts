import { invalidArgument } from '../lib/errdefs.js';

/** Docker's default detach sequence: Ctrl-P Ctrl-Q. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/**
 * Parses Docker's detach-keys syntax (`ctrl-p,ctrl-q`, `a,ctrl-@`, …) into the bytes to watch
 * for. `ctrl-X` is X's control code (`ctrl-@` 0, `ctrl-a`… 1…, `ctrl-[` 27 … `ctrl-_` 31).
 */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length === 1) out.push(k.charCodeAt(0));
    else if (/^ctrl-[a-z@[\\\]^_]$/i.test(k)) {
      const c = k.slice(5).toLowerCase();
      const symbol = '@[\\]^_'.indexOf(c); // ctrl-@ is 0, ctrl-[ … ctrl-_ are 27 … 31
      out.push(symbol < 0 ? c.charCodeAt(0) - 96 : symbol === 0 ? 0 : symbol + 26);
    } else throw invalidArgument(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(out);
}

/**
 * Watches an input stream for the detach sequence. `push` returns the bytes to forward and
 * whether the sequence was completed; a partial match is held back until it resolves.
 */
export function detachScanner(keys: Buffer): (chunk: Buffer) => { forward: Buffer; detached: boolean } {
  let matched = 0;
  return (chunk) => {
    const out: number[] = [];
    for (const byte of chunk) {
      if (keys.length > 0 && byte === keys[matched]) {
        matched++;
        if (matched === keys.length) return { forward: Buffer.from(out), detached: true };
        continue;
      }
      if (matched > 0) out.push(...keys.subarray(0, matched));
      matched = 0;
      if (keys.length > 0 && byte === keys[0]) matched = 1;
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detached: false };
  };
}
