// A subset of Go's fmt package over JSON-like values: %v printing (what
// {{.X}} outputs), Sprint/Sprintln, and Sprintf for the printf builtin.
// Integral numbers behave as Go ints (docker's structs use int fields), other
// numbers as float64.

import { quoteGo } from './error.js';

type Obj = Record<string, unknown>;

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (n: number): boolean => Number.isInteger(n);

/** Approximate Go type name, for error messages like "%!d(string=x)". */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return isInt(v) ? 'int' : 'float64';
  if (typeof v === 'function') return 'func()';
  if (Array.isArray(v)) return '[]interface {}';
  const ctor = Object.getPrototypeOf(v)?.constructor?.name;
  return ctor && ctor !== 'Object' ? `*${ctor}` : 'map[string]interface {}';
}

export function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** fmt's %v. A missing value (undefined) is Go's invalid reflect.Value. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '<no value>';
  return formatArg(v, 'v', {});
}

/** fmt.Sprint: spaces only between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatArg(a, 'v', {});
  });
  return out;
}

export function sprintln(args: unknown[]): string {
  return args.map((a) => formatArg(a, 'v', {})).join(' ') + '\n';
}

interface Spec {
  minus?: boolean;
  plus?: boolean;
  sharp?: boolean;
  space?: boolean;
  zero?: boolean;
  width?: number;
  prec?: number;
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  const takeNum = (): number | undefined => {
    if (format[i] === '*') {
      i++;
      const a = args[argi++];
      return typeof a === 'number' && isInt(a) ? a : undefined;
    }
    const m = /^\d+/.exec(format.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = {};
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    spec.width = takeNum();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === '.') {
      i++;
      spec.prec = takeNum() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (argi >= args.length) out += `%!${verb}(MISSING)`;
    else out += formatArg(args[argi++], verb, spec);
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => (a == null ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

function formatArg(v: unknown, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(goTypeName(v), spec);
  if (v === null || v === undefined) return verb === 'v' ? pad('<nil>', spec) : `%!${verb}(<nil>)`;
  if (typeof v === 'boolean') return verb === 'v' || verb === 't' ? pad(String(v), spec) : bad(v, verb);
  if (typeof v === 'number') return formatNumber(v, verb, spec);
  if (typeof v === 'string') return formatString(v, verb, spec);
  if (typeof v === 'bigint') return formatNumber(Number(v), verb, spec);
  if (typeof v === 'function') return pad('<func>', spec);
  // Go applies the verb (and its flags) to each element and key.
  if (Array.isArray(v)) return '[' + v.map((e) => formatArg(e, verb, spec)).join(' ') + ']';
  const o = v as Obj;
  return (
    'map[' +
    sortedKeys(o)
      .map((k) => `${formatArg(k, verb, spec)}:${formatArg(o[k], verb, spec)}`)
      .join(' ') +
    ']'
  );
}

function bad(v: unknown, verb: string): string {
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

/** Pads to the width (in characters); numbers do their own zero padding. */
function pad(s: string, spec: Spec): string {
  const len = [...s].length;
  if (spec.width === undefined || len >= spec.width) return s;
  const fill = spec.width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  return (spec.zero ? '0' : ' ').repeat(fill) + s;
}

function formatString(s: string, verb: string, spec: Spec): string {
  switch (verb) {
    case 'v':
    case 's': {
      const chars = [...s];
      return pad(spec.prec !== undefined ? chars.slice(0, spec.prec).join('') : s, spec);
    }
    case 'q':
      if (spec.sharp && !/[`\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad('`' + s + '`', spec);
      return pad(quoteGo(s), spec);
    case 'x':
    case 'X': {
      const bytes = [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
      const prefix = spec.sharp ? '0x' : '';
      let h = spec.space ? bytes.map((b) => prefix + b).join(' ') : prefix + bytes.join('');
      if (verb === 'X') h = h.toUpperCase();
      return pad(h, spec);
    }
  }
  return bad(s, verb);
}

function formatNumber(n: number, verb: string, spec: Spec): string {
  if (isInt(n) && verb !== 'e' && verb !== 'E' && verb !== 'f' && verb !== 'F' && verb !== 'g' && verb !== 'G') {
    return formatInt(n, verb, spec);
  }
  if (verb === 'v') verb = 'g';
  if (!'eEfFgG'.includes(verb)) return bad(n, verb);
  if (!Number.isFinite(n)) {
    const s = Number.isNaN(n) ? 'NaN' : n > 0 ? (spec.plus ? '+Inf' : spec.space ? ' Inf' : '+Inf') : '-Inf';
    return pad(s, { ...spec, zero: false });
  }
  let s = formatFloat(Math.abs(n), verb, spec.prec);
  const sign = n < 0 || Object.is(n, -0) ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (spec.zero && !spec.minus && spec.width !== undefined) s = s.padStart(spec.width - sign.length, '0');
  return pad(sign + s, { ...spec, zero: false });
}

function formatInt(n: number, verb: string, spec: Spec): string {
  const big = BigInt(n);
  const abs = big < 0n ? -big : big;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp) prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(runeOf(n), spec);
    case 'q':
      return pad(quoteGo(runeOf(n), "'"), spec);
    case 'U': {
      const u = 'U+' + n.toString(16).toUpperCase().padStart(4, '0');
      return pad(spec.sharp ? `${u} '${runeOf(n)}'` : u, spec);
    }
    default:
      return bad(n, verb);
  }
  if (spec.prec !== undefined) digits = spec.prec === 0 && abs === 0n ? '' : digits.padStart(spec.prec, '0');
  const sign = big < 0n ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (spec.zero && !spec.minus && spec.prec === undefined && spec.width !== undefined) {
    digits = digits.padStart(spec.width - sign.length - prefix.length, '0');
  }
  return pad(sign + prefix + digits, { ...spec, zero: false });
}

const runeOf = (n: number): string => (n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd');

/** Go's strconv.FormatFloat for a non-negative finite value; prec undefined = shortest. */
function formatFloat(x: number, verb: string, prec: number | undefined): string {
  const upper = verb === 'E' || verb === 'G';
  const lower = verb.toLowerCase();
  if (lower === 'f') {
    const p = prec ?? 6;
    if (x < 1e21) return x.toFixed(Math.min(p, 100));
    return BigInt(x).toString() + (p > 0 ? '.' + '0'.repeat(p) : '');
  }
  if (lower === 'e') {
    const r = expForm(decimalDigits(x, (prec ?? 6) + 1), prec ?? 6);
    return upper ? r.toUpperCase() : r;
  }
  // %g: shortest digits (or prec significant digits), exponent form when the
  // exponent is < -4 or >= the precision (6 when shortest), as strconv does.
  const d = decimalDigits(x, prec === undefined ? undefined : Math.max(prec, 1));
  let p = prec === undefined ? d.digits.length : Math.max(prec, 1);
  let eprec = p;
  if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  if (prec === undefined) eprec = 6;
  const exp = d.dp - 1;
  let r: string;
  if (exp < -4 || exp >= eprec) {
    r = expForm(d, Math.min(p, d.digits.length) - 1);
  } else {
    if (p > d.dp) p = d.digits.length;
    r = fixedForm(d, Math.max(p - d.dp, 0));
  }
  return upper ? r.toUpperCase() : r;
}

interface Decimal {
  digits: string;
  dp: number;
} // value = 0.digits × 10^dp

function decimalDigits(x: number, sig: number | undefined): Decimal {
  if (x === 0) return { digits: '0', dp: 1 };
  const [mant, e] = (sig === undefined ? x.toExponential() : x.toExponential(Math.min(sig - 1, 100))).split('e');
  // Trailing zeros carry no information; Go's decimal type drops them too.
  const digits = mant!.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(e) + 1 };
}

function expForm(d: Decimal, prec: number): string {
  const all = d.digits.padEnd(prec + 1, '0');
  const exp = d.digits === '0' ? 0 : d.dp - 1;
  const mant = all[0] + (prec > 0 ? '.' + all.slice(1, prec + 1) : '');
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function fixedForm(d: Decimal, prec: number): string {
  const intPart = d.dp > 0 ? d.digits.slice(0, d.dp).padEnd(d.dp, '0') : '0';
  let frac = '';
  for (let k = 0; k < prec; k++) {
    const idx = d.dp + k;
    frac += idx >= 0 && idx < d.digits.length ? d.digits[idx] : '0';
  }
  return intPart + (prec > 0 ? '.' + frac : '');
}
