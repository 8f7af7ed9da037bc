import { invalidArgument } from '../lib/errdefs.js';

/**
 * The JSON a request body field may hold, in Go's terms (Docker decodes bodies with
 * encoding/json, so a body is valid exactly when Go would accept it): `null` is always accepted
 * (Go's zero value); unknown fields are ignored; a wrong type is a 400 with Go's message
 * (`json: cannot unmarshal string into Go struct field HostConfig.Memory of type int64`).
 * `strslice` is Docker's StrSlice: a string or a list of strings, decoded to a list. `empty` is
 * Go's `struct {}` (the values of ExposedPorts and Volumes): any object, kept as `{}`.
 *
 * `null` is read as Go reads it: a struct field that is null is absent (the zero value, or a nil
 * pointer, slice or map); a null list element or map value is the element type's zero value (`""`
 * in a `[]string`, `{}` for a struct).
 */
export type JsonType = 'string' | 'bool' | 'int' | 'uint' | 'number' | 'any' | 'strslice' | 'empty' | ListType | MapType | StructType;
export interface ListType {
  list: JsonType;
}
export interface MapType {
  map: JsonType;
}
export interface StructType {
  struct: string;
  fields: Record<string, JsonType>;
}

/** A struct whose fields must be exactly the keys of T: a field added to the type must be added here. */
export function struct<T>(name: string, fields: { [K in keyof Required<T>]: JsonType }): StructType {
  return { struct: name, fields };
}
export const list = (of: JsonType): ListType => ({ list: of });
export const map = (of: JsonType): MapType => ({ map: of });

function goType(t: JsonType): string {
  if (typeof t === 'string')
    return {
      string: 'string',
      bool: 'bool',
      int: 'int64',
      uint: 'uint64',
      number: 'float64',
      any: 'interface {}',
      strslice: 'strslice.StrSlice',
      empty: 'struct {}',
    }[t];
  if ('list' in t) return `[]${goType(t.list)}`;
  if ('map' in t) return `map[string]${goType(t.map)}`;
  return t.struct;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number, object
}

interface Where {
  /** The innermost struct's name and the field path from the root (Go's UnmarshalTypeError). */
  struct: string;
  path: string;
}

function mismatch(v: unknown, t: JsonType, at: Where): Error {
  const what = typeof v === 'number' && (t === 'int' || t === 'uint') ? `number ${v}` : jsonKind(v);
  const into = at.path === '' ? `Go value of type ${goType(t)}` : `Go struct field ${at.struct}.${at.path} of type ${goType(t)}`;
  return invalidArgument(`json: cannot unmarshal ${what} into ${into}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's zero value of `t`, for a null where Go cannot store nil (a list element, a map value). */
function zeroOf(t: JsonType): unknown {
  if (typeof t === 'string') return { string: '', bool: false, int: 0, uint: 0, number: 0, any: null, strslice: [], empty: {} }[t];
  if ('list' in t) return [];
  return {};
}

/** Checks `v` against `t` and returns it (StrSlice strings become lists); throws Go's error on the first mismatch. */
export function decodeAs(v: unknown, t: JsonType, at: Where = { struct: '', path: '' }): unknown {
  if (v === null || v === undefined) return v;
  const elem = (x: unknown, et: JsonType, where: Where): unknown => (x === null ? zeroOf(et) : decodeAs(x, et, where));
  const sub = (key: string, struct = at.struct): Where => ({ struct, path: at.path === '' ? key : `${at.path}.${key}` });
  switch (t) {
    case 'any':
      return v;
    case 'string':
    case 'bool':
    case 'number':
      if (jsonKind(v) !== (t === 'bool' ? 'bool' : t)) throw mismatch(v, t, at);
      return v;
    case 'int':
    case 'uint':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || (t === 'uint' && v < 0)) throw mismatch(v, t, at);
      return v;
    case 'strslice':
      if (typeof v === 'string') return [v];
      return decodeAs(v, list('string'), at);
    case 'empty':
      if (!isObject(v)) throw mismatch(v, t, at);
      return {};
  }
  if ('list' in t) {
    if (!Array.isArray(v)) throw mismatch(v, t, at);
    return v.map((x, i) => elem(x, t.list, { ...at, path: at.path === '' ? `[${i}]` : `${at.path}[${i}]` }));
  }
  if (!isObject(v)) throw mismatch(v, t, at);
  if ('map' in t) {
    for (const [k, x] of Object.entries(v)) v[k] = elem(x, t.map, sub(k));
    return v;
  }
  for (const [k, ft] of Object.entries(t.fields)) {
    if (v[k] === null) delete v[k];
    else if (v[k] !== undefined) v[k] = decodeAs(v[k], ft, sub(k, t.struct));
  }
  return v;
}

/** Go's encoding/json refuses JSON nested deeper than this ("exceeded max depth"). */
export const MAX_JSON_DEPTH = 10_000;

/**
 * Whether `text` nests arrays and objects deeper than `max` — checked before parsing, since a value
 * that deep cannot be written back (JSON.stringify recurses) and Go would refuse it anyway.
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
