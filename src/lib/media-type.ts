/**
 * Go's `mime.ParseMediaType`, as far as dockerd's Content-Type checks use it: the media type
 * (lower-cased) of a header value, or the error Go gives for it (`mime: no media type`, …).
 */
export type MediaType = { type: string } | { error: string };

// RFC 1521/2045 token characters: printable ASCII but space and the tspecials.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseMediaType(value: string): MediaType {
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  const major = TOKEN.exec(type)?.[0] ?? '';
  if (major === '') return { error: 'mime: no media type' };
  if (major.length < type.length) {
    if (type[major.length] !== '/') return { error: 'mime: expected slash after first token' };
    const minor = TOKEN.exec(type.slice(major.length + 1))?.[0] ?? '';
    if (minor === '') return { error: 'mime: expected token after slash' };
    if (major.length + 1 + minor.length < type.length) return { error: 'mime: unexpected content after media subtype' };
  }
  const error = semi === -1 ? undefined : paramsError(value.slice(semi));
  return error === undefined ? { type } : { error };
}

/** `; key=value` pairs (value a token or a quoted string); a lone trailing `;` is ignored, as Go does. */
function paramsError(rest: string): string | undefined {
  const PARAM = /^\s*;\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=\s*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[^"\\]|\\.)*")/;
  const seen = new Set<string>();
  for (let r = rest; r.trim() !== '';) {
    if (r.trim() === ';') return undefined;
    const m = PARAM.exec(r);
    if (m === null) return 'mime: invalid media parameter';
    const key = m[0]
      .slice(m[0].indexOf(';') + 1, m[0].indexOf('='))
      .trim()
      .toLowerCase();
    if (seen.has(key)) return 'mime: duplicate parameter name';
    seen.add(key);
    r = r.slice(m[0].length);
  }
  return undefined;
}
