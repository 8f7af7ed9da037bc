/**
 * Value kinds of daemon options: how one value is read from daemon.json and from its flag, and
 * how Docker prints it. Errors are plain strings (thrown as `Error`): the loader adds the file.
 */

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface AddressPool {
  base: string;
  size: number;
}

export interface RuntimeEntry {
  path: string;
  runtimeArgs?: string[];
}

export interface Kind<T> {
  /** Node `parseArgs` type of the flag; `multiple` for repeatable flags (`--dns a --dns b`). */
  flag: 'string' | 'boolean';
  multiple?: boolean;
  /** The Go type Docker's error messages name (`json: cannot unmarshal … of type []string`). */
  goType: string;
  fromJson(v: unknown, key: string): T;
  fromFlag(v: string | boolean | string[]): T;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

function mismatch(v: unknown, key: string, goType: string): Error {
  return new Error(`json: cannot unmarshal ${jsonType(v)} into Go struct field Config.${key} of type ${goType}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `k=v` pairs, as Docker's map flags (`--log-opt max-size=10m`) take them. */
function keyValue(s: string, what: string): [string, string] {
  const i = s.indexOf('=');
  if (i <= 0) throw new Error(`invalid ${what}: ${s} (expected key=value)`);
  return [s.slice(0, i), s.slice(i + 1)];
}

const asList = (v: string | boolean | string[]): string[] => (Array.isArray(v) ? v : [String(v)]);

export const str: Kind<string> = {
  flag: 'string',
  goType: 'string',
  fromJson(v, key) {
    if (typeof v !== 'string') throw mismatch(v, key, 'string');
    return v;
  },
  fromFlag: (v) => String(v),
};

export const bool: Kind<boolean> = {
  flag: 'boolean',
  goType: 'bool',
  fromJson(v, key) {
    if (typeof v !== 'boolean') throw mismatch(v, key, 'bool');
    return v;
  },
  fromFlag: (v) => v === true,
};

/** A boolean that may be left unset (`--tls`: unset, on or explicitly off are three answers). */
export const optBool: Kind<boolean | undefined> = { ...bool, fromJson: (v, key) => bool.fromJson(v, key) };

/**
 * Go's boolean flags take a value (`--tls=false`, `--debug=0`); Node's parseArgs does not. Takes
 * `--name=value` of the given boolean flags out of argv.
 */
export function takeBoolFlags(argv: string[], names: ReadonlySet<string>): { rest: string[]; bools: Record<string, boolean> } {
  const rest: string[] = [];
  const bools: Record<string, boolean> = {};
  for (const arg of argv) {
    const m = /^--?([\w-]+)=(.*)$/.exec(arg);
    if (m === null || !names.has(m[1]!)) {
      rest.push(arg);
      continue;
    }
    const v = m[2]!;
    if (!['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F'].includes(v)) {
      throw new Error(`invalid boolean value "${v}" for -${m[1]}: parse error`);
    }
    bools[m[1]!] = ['true', '1', 't', 'T', 'TRUE', 'True'].includes(v);
  }
  return { rest, bools };
}

export const int: Kind<number> = {
  flag: 'string',
  goType: 'int',
  fromJson(v, key) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(v, key, 'int');
    return v;
  },
  fromFlag(v) {
    const n = Number(v);
    if (!/^-?\d+$/.test(String(v)) || !Number.isSafeInteger(n))
      throw new Error(`invalid argument "${String(v)}": strconv.ParseInt: parsing "${String(v)}": invalid syntax`);
    return n;
  },
};

export const strings: Kind<string[]> = {
  flag: 'string',
  multiple: true,
  goType: '[]string',
  fromJson(v, key) {
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw mismatch(v, key, '[]string');
    return v as string[];
  },
  fromFlag: asList,
};

export const stringMap: Kind<Record<string, string>> = {
  flag: 'string',
  multiple: true,
  goType: 'map[string]string',
  fromJson(v, key) {
    if (!isObject(v) || !Object.values(v).every((s) => typeof s === 'string')) throw mismatch(v, key, 'map[string]string');
    return v as Record<string, string>;
  },
  fromFlag: (v) => Object.fromEntries(asList(v).map((s) => keyValue(s, 'option'))),
};

export const boolMap: Kind<Record<string, boolean>> = {
  flag: 'string',
  multiple: true,
  goType: 'map[string]bool',
  fromJson(v, key) {
    if (!isObject(v) || !Object.values(v).every((b) => typeof b === 'boolean')) throw mismatch(v, key, 'map[string]bool');
    return v as Record<string, boolean>;
  },
  fromFlag: (v) =>
    Object.fromEntries(
      asList(v)
        .map((s) => keyValue(s, 'feature'))
        .map(([k, b]) => [k, b !== 'false']),
    ),
};

/** `--default-ulimit nofile=1024:2048` / `{"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}}`. */
export const ulimits: Kind<Ulimit[]> = {
  flag: 'string',
  multiple: true,
  goType: 'map[string]*units.Ulimit',
  fromJson(v, key) {
    if (!isObject(v)) throw mismatch(v, key, 'map[string]*units.Ulimit');
    return Object.entries(v).map(([name, u]) => {
      if (!isObject(u) || typeof u.Soft !== 'number' || typeof u.Hard !== 'number') throw mismatch(u, key, 'units.Ulimit');
      return { Name: typeof u.Name === 'string' && u.Name ? u.Name : name, Soft: u.Soft, Hard: u.Hard };
    });
  },
  fromFlag: (v) =>
    asList(v).map((s) => {
      const [name, limits] = keyValue(s, 'ulimit argument');
      const [soft = '', hard = soft] = limits.split(':');
      if (!/^-?\d+$/.test(soft) || !/^-?\d+$/.test(hard)) throw new Error(`invalid ulimit argument: ${s}`);
      return { Name: name, Soft: Number(soft), Hard: Number(hard) };
    }),
};

/** `--default-address-pool base=10.10.0.0/16,size=24` / `[{"base": "10.10.0.0/16", "size": 24}]`. */
export const pools: Kind<AddressPool[]> = {
  flag: 'string',
  multiple: true,
  goType: '[]*address.Pool',
  fromJson(v, key) {
    if (!Array.isArray(v)) throw mismatch(v, key, '[]*address.Pool');
    return v.map((p: unknown) => {
      if (!isObject(p) || typeof p.base !== 'string' || typeof p.size !== 'number') throw new Error(`invalid default address pool: ${JSON.stringify(p)}`);
      return { base: p.base, size: p.size };
    });
  },
  fromFlag: (v) =>
    asList(v).map((s) => {
      const kv = Object.fromEntries(s.split(',').map((p) => keyValue(p, 'default address pool')));
      if (!kv.base || !/^\d+$/.test(kv.size ?? '')) throw new Error(`invalid default address pool: ${s}`);
      return { base: kv.base, size: Number(kv.size) };
    }),
};

/** `--add-runtime name=path` / `{"name": {"path": "/usr/bin/crun", "runtimeArgs": []}}`. */
export const runtimes: Kind<Record<string, RuntimeEntry>> = {
  flag: 'string',
  multiple: true,
  goType: 'map[string]types.Runtime',
  fromJson(v, key) {
    if (!isObject(v)) throw mismatch(v, key, 'map[string]types.Runtime');
    return Object.fromEntries(
      Object.entries(v).map(([name, r]) => {
        if (!isObject(r) || typeof r.path !== 'string') throw new Error(`runtime ${name}: a "path" is required`);
        const args = r.runtimeArgs === undefined ? undefined : strings.fromJson(r.runtimeArgs, `${key}.runtimeArgs`);
        return [name, { path: r.path, ...(args ? { runtimeArgs: args } : {}) }];
      }),
    );
  },
  fromFlag: (v) =>
    Object.fromEntries(
      asList(v)
        .map((s) => keyValue(s, 'runtime'))
        .map(([n, path]) => [n, { path }]),
    ),
};

/** A value as Go's `%v` prints it (Docker's conflict message shows both sides so). */
export function goFormat(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}
