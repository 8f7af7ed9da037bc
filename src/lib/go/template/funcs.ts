// Builtin functions of Go's text/template plus the docker CLI's additions
// (github.com/docker/cli/templates). A function throws a plain Error; the
// executor reports it as "error calling NAME: message" like Go does.

import { formatValue, goTypeName, isObject, sprint, sprintf, sprintln } from './fmt.js';

export interface TemplateFunc {
  fn: (...args: unknown[]) => unknown;
  min: number; // fewest arguments
  max: number; // most arguments (Infinity when variadic)
}

const def = (min: number, max: number, fn: (...args: unknown[]) => unknown): TemplateFunc => ({ fn, min, max });

/** Go's truthiness: false, 0, "", nil and empty collections are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function wantString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) throw new Error('invalid value; expected string');
  throw new Error(`wrong type for value; expected string; got ${goTypeName(v)}`);
}

function wantInt(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new Error(`wrong type for value; expected int; got ${goTypeName(v)}`);
}

// Comparison kinds as in Go's funcs.go: only basic kinds compare.
function basicKind(v: unknown): 'bool' | 'number' | 'string' | 'nil' | null {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return null;
}

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const ka = basicKind(a);
  for (const b of rest) {
    const kb = basicKind(b);
    if (ka === 'nil' || kb === 'nil') {
      if (ka === kb) return true;
      continue; // nil never equals a value, but comparing to it is no error
    }
    if (ka === null || kb === null) throw new Error(`non-comparable type ${formatValue(ka === null ? a : b)}: ${goTypeName(ka === null ? a : b)}`);
    if (ka !== kb) throw new Error('incompatible types for comparison');
    if (a === b) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === null || ka === 'nil' || ka === 'bool' || kb === null || kb === 'nil' || kb === 'bool') {
    throw new Error('invalid type for comparison');
  }
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return (a as number | string) < (b as number | string);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (v === null || v === undefined) return undefined; // nil collection: zero value
    if (Array.isArray(v) || typeof v === 'string') {
      if (k === null || k === undefined) throw new Error('cannot index slice/array with nil');
      const n = wantIndex(k, 'index');
      if (n < 0 || n >= v.length) throw new Error(`index out of range: ${n}`);
      v = typeof v === 'string' ? Buffer.from(v, 'utf8')[n] : v[n]; // Go indexes strings by byte
    } else if (isObject(v)) {
      if (typeof k !== 'string') throw new Error(`value has type ${goTypeName(k)}; should be string`);
      v = Object.hasOwn(v, k) ? v[k] : zeroValueOf(v);
    } else throw new Error(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

// A missing key in a Go map yields the element type's zero value, which we can
// only guess from the other values; labels (map[string]string) are by far the
// commonest use, so an empty map is taken to hold strings.
function zeroValueOf(map: Record<string, unknown>): unknown {
  const kinds = new Set(Object.values(map).map((x) => (Array.isArray(x) ? 'array' : x === null ? 'object' : typeof x)));
  if (kinds.size === 0) return '';
  if (kinds.size > 1) return undefined;
  const [only] = kinds;
  return only === 'string' ? '' : only === 'number' ? 0 : only === 'boolean' ? false : only === 'array' ? [] : undefined;
}

function wantIndex(k: unknown, what: string): number {
  if (typeof k === 'number' && Number.isInteger(k)) return k;
  throw new Error(`cannot ${what} slice/array with type ${goTypeName(k)}`);
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (item === null || item === undefined) throw new Error('slice of untyped nil');
  if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${goTypeName(item)}`);
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  if (typeof item === 'string' && idx.length > 2) throw new Error('cannot 3-index slice a string');
  const n = idx.map((k) => wantIndex(k, 'slice'));
  for (const x of n) if (x < 0 || x > item.length) throw new Error(`index out of range: ${x}`);
  const [lo = 0, hi = item.length] = n;
  if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
  if (n.length === 3 && hi > n[2]!) throw new Error(`invalid slice index: ${hi} > ${n[2]}`);
  return item.slice(lo, hi);
}

function length(v: unknown): number {
  if (v === null || v === undefined) return 0; // a nil slice or map in Go
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8'); // Go's len counts bytes
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  throw new Error(`len of type ${goTypeName(v)}`);
}

// html/js/urlquery format a lone string as is and anything else with Sprint.
const escArg = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

const HTML_ESC: Record<string, string> = { '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' };
const JS_ESC: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\x00-\x1f]/g, (c) => JS_ESC[c] ?? '\\u00' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

function urlQuery(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** docker's "json": encoding/json with HTML escaping switched off (SetEscapeHTML(false)). */
function toJson(v: unknown): string {
  const s = JSON.stringify(v === undefined ? null : v);
  // Go's encoder escapes these two even without HTML escaping.
  return s === undefined ? 'null' : s.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Go's strings.Title: upper-case letters that follow a separator. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  if (ch.charCodeAt(0) < 0x80) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

const cmp = (f: (a: unknown, b: unknown) => boolean) => def(2, 2, (a, b) => f(a, b));

export const BUILTINS: Record<string, TemplateFunc> = {
  // and/or short-circuit; the executor evaluates them itself and only uses the arity here.
  and: def(1, Infinity, (...a) => a.find((x) => !isTrue(x)) ?? a[a.length - 1]),
  or: def(1, Infinity, (...a) => a.find((x) => isTrue(x)) ?? a[a.length - 1]),
  not: def(1, 1, (a) => !isTrue(a)),
  len: def(1, 1, length),
  index: def(1, Infinity, index),
  slice: def(1, Infinity, slice),
  print: def(0, Infinity, (...a) => sprint(a)),
  printf: def(1, Infinity, (f, ...a) => sprintf(wantString(f), a)),
  println: def(0, Infinity, (...a) => sprintln(a)),
  eq: def(1, Infinity, eq),
  ne: cmp((a, b) => !eq(a, b)),
  lt: cmp(lt),
  le: cmp((a, b) => lt(a, b) || eq(a, b)),
  gt: cmp((a, b) => !(lt(a, b) || eq(a, b))),
  ge: cmp((a, b) => !lt(a, b)),
  html: def(0, Infinity, (...a) => escArg(a).replace(/[&'<>"\0]/g, (c) => HTML_ESC[c]!)),
  js: def(0, Infinity, (...a) => jsEscape(escArg(a))),
  urlquery: def(0, Infinity, (...a) => urlQuery(escArg(a))),
  // docker CLI extras
  json: def(1, 1, toJson),
  split: def(2, 2, (s, sep) => (wantString(sep) === '' ? [...wantString(s)] : wantString(s).split(wantString(sep)))),
  join: def(2, 2, (list, sep) => {
    if (list === null || list === undefined) return '';
    if (!Array.isArray(list)) throw new Error(`wrong type for value; expected []string; got ${goTypeName(list)}`);
    return list.map((x) => (typeof x === 'string' ? x : formatValue(x))).join(wantString(sep));
  }),
  title: def(1, 1, (s) => title(wantString(s))),
  lower: def(1, 1, (s) => wantString(s).toLowerCase()),
  upper: def(1, 1, (s) => wantString(s).toUpperCase()),
  pad: def(3, 3, (s, before, after) => {
    const str = wantString(s);
    return str === '' ? str : ' '.repeat(Math.max(0, wantInt(before))) + str + ' '.repeat(Math.max(0, wantInt(after)));
  }),
  truncate: def(2, 2, (s, n) => {
    const chars = [...wantString(s)];
    return chars.slice(0, Math.max(0, wantInt(n))).join('');
  }),
};

// docker renders a table's header row by running the same template over a map
// of column titles with these replacements, so `{{json .X}}` or `{{upper .X}}`
// still print the title unchanged (templates.HeaderFunctions).
const identity = (min: number, max: number): TemplateFunc => def(min, max, (s) => wantString(s));
export const HEADER_FUNCS: Record<string, TemplateFunc> = {
  ...BUILTINS,
  json: identity(1, 1),
  split: identity(2, 2),
  join: identity(2, 2),
  title: identity(1, 1),
  lower: identity(1, 1),
  upper: identity(1, 1),
  truncate: identity(2, 2),
};
