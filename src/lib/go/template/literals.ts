// Literal decoding with Go's rules (strconv.Unquote / strconv.ParseInt base 0),
// since template strings and numbers are Go syntax, not JavaScript's.

const SIMPLE: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Decodes "…", `…` or '…' text; null when Go would report "invalid syntax". */
export function unquote(text: string): string | null {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q) return null;
  const body = text.slice(1, -1);
  if (q === '`') return body.includes('`') ? null : body.replace(/\r/g, '');
  if (q !== '"' && q !== "'") return null;
  let out = '';
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === q || c === '\n') return null;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return null;
    if (e in SIMPLE) {
      out += SIMPLE[e];
      i += 2;
    } else if (e === q) {
      out += q;
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return null;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (e !== 'x' && cp >= 0xd800 && cp <= 0xdfff)) return null;
      // \xHH is a raw byte in Go; as a JS string the closest is that code unit.
      out += String.fromCodePoint(cp);
      i += 2 + n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return null;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 4;
    } else return null;
  }
  if (q === "'" && [...out].length !== 1) return null;
  return out;
}

/** Value of a number or character-constant token; null if it is not valid Go. */
export function parseNumber(text: string, isChar: boolean): number | null {
  if (isChar) {
    const s = unquote(text);
    return s === null ? null : s.codePointAt(0)!;
  }
  if (text.endsWith('i')) return null; // complex numbers have no use in formats
  const t = text.replace(/_/g, '');
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  let m: RegExpMatchArray | null;
  if ((m = body.match(/^0[xX]([0-9a-fA-F]+)$/))) return sign * parseInt(m[1]!, 16);
  if ((m = body.match(/^0[bB]([01]+)$/))) return sign * parseInt(m[1]!, 2);
  if ((m = body.match(/^0[oO]?([0-7]+)$/))) return sign * parseInt(m[1]!, 8); // leading 0 is octal
  if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) return sign * Number(body);
  return null;
}
