import type { Extract } from 'tar-stream';
import { run } from '../exec.js';

/**
 * Filesystem operations Node has no API for: device nodes and extended attributes are made by
 * spawning coreutils `mknod` and attr's `setfattr`. Entries needing them are rare in image
 * layers (whiteouts, /dev nodes, file capabilities), so one process per call is affordable.
 */

export async function mknod(path: string, kind: 'c' | 'b' | 'p', major = 0, minor = 0): Promise<void> {
  await run('mknod', kind === 'p' ? [path, 'p'] : [path, kind, String(major), String(minor)]);
}

/** Sets one xattr on `path` itself (-h: a symlink is not followed). Values are binary-safe via hex. */
export async function setXattr(path: string, name: string, value: Buffer): Promise<void> {
  // setfattr rejects `-v 0x` with no digits; leaving out -v sets an empty value.
  const v = value.length === 0 ? [] : ['-v', `0x${value.toString('hex')}`];
  await run('setfattr', ['-h', '-n', name, ...v, '--', path]);
}

const XATTR_KEY = 'SCHILY.xattr.';

export type Xattrs = Map<string, Buffer>;

/**
 * PAX records → xattrs with their raw bytes. Record syntax is `"%d %s=%s\n"` (length counts the
 * whole record in bytes); the value is arbitrary bytes, which is why this works on the Buffer.
 */
export function parsePaxXattrs(buf: Buffer): Xattrs {
  const out: Xattrs = new Map();
  while (buf.length > 0) {
    const sp = buf.indexOf(0x20);
    const len = sp > 0 ? parseInt(buf.subarray(0, sp).toString('latin1'), 10) : NaN;
    if (!(len > sp + 1) || len > buf.length) break;
    const record = buf.subarray(sp + 1, len - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) {
      const key = record.subarray(0, eq).toString('utf8');
      if (key.startsWith(XATTR_KEY)) out.set(key.slice(XATTR_KEY.length), Buffer.from(record.subarray(eq + 1)));
    }
    buf = buf.subarray(len);
  }
  return out;
}

interface ExtractInternals {
  _header: { type?: string | null } | null;
  _decodeLongHeader?: (this: ExtractInternals, buf: Buffer) => void;
}

/**
 * tar-stream decodes PAX values as UTF-8 strings, which corrupts binary xattrs such as
 * security.capability (bytes ≥ 0x80 that are not valid UTF-8 become U+FFFD). This hooks the
 * PAX decoding of this one extractor instance (not the shared module) to keep the raw bytes.
 * Returns a function giving the xattrs for the entry just emitted — call it once per entry —
 * or null from it if the hook could not be installed (tar-stream internals changed), in which
 * case the caller falls back to the decoded strings.
 */
export function captureXattrs(ex: Extract): () => Xattrs | null {
  const inner = ex as unknown as ExtractInternals;
  const decode = inner._decodeLongHeader;
  if (typeof decode !== 'function') return () => null;
  let global: Xattrs | null = null;
  let local: Xattrs | null = null;
  inner._decodeLongHeader = function (this: ExtractInternals, buf: Buffer): void {
    const type = this._header?.type;
    if (type === 'pax-header') local = parsePaxXattrs(buf);
    else if (type === 'pax-global-header') global = parsePaxXattrs(buf);
    decode.call(this, buf);
  };
  return () => {
    const out: Xattrs = new Map([...(global ?? []), ...(local ?? [])]);
    local = null; // a local PAX header applies to the next entry only
    return out;
  };
}

/** The fallback: xattrs from tar-stream's string-decoded PAX records. */
export function xattrsFromStrings(pax: Record<string, string> | null | undefined): Xattrs {
  const out: Xattrs = new Map();
  for (const [k, v] of Object.entries(pax ?? {})) {
    if (k.startsWith(XATTR_KEY)) out.set(k.slice(XATTR_KEY.length), Buffer.from(v, 'utf8'));
  }
  return out;
}
