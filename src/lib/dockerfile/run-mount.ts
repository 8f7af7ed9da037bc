import { posix } from 'node:path';
import { parseError } from './errors.js';

export type RunMountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

/** One `RUN --mount=…` as BuildKit's Dockerfile frontend reads it (instructions/commands_runmount.go). */
export interface RunMount {
  type: RunMountType;
  /** Absolute, clean; '' for a secret given only as `env=`. */
  target: string;
  source?: string;
  from?: string;
  readOnly: boolean;
  /** cache: the cache's ID (default: the target); secret/ssh: the ID the client names. */
  id?: string;
  sharing: CacheSharing;
  mode?: number;
  uid?: number;
  gid?: number;
  required: boolean;
  /** secret: the environment variable that gets its value. */
  env?: string;
  /** tmpfs: bytes. */
  size?: number;
}

const TYPES: RunMountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const BOOL_KEYS = new Set(['readonly', 'ro', 'rw', 'readwrite', 'required']);

/** Parses the CSV value of one `--mount` flag (already expanded); errors in BuildKit's words. */
export function parseRunMount(value: string, line = 0): RunMount {
  const fail = (msg: string): never => {
    throw parseError(line, msg);
  };
  const fields = value.split(',').filter((f) => f !== '');
  let type: RunMountType = 'bind';
  for (const f of fields) {
    const [k, v] = splitField(f);
    if (k.toLowerCase() === 'type') {
      if (!TYPES.includes(v as RunMountType)) fail(`unsupported mount type "${v}"`);
      type = v as RunMountType;
    }
  }
  const m: RunMount = { type, target: '', readOnly: type === 'bind', sharing: 'shared', required: false };
  if (type === 'secret' || type === 'ssh') m.readOnly = true;
  let roSet = false;
  for (const f of fields) {
    const [rawKey, v, hasValue] = splitField(f);
    const key = rawKey.toLowerCase();
    if (!hasValue && !BOOL_KEYS.has(key)) fail(`invalid field '${f}' must be a key=value pair`);
    const bool = (): boolean => {
      if (!hasValue) return true;
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(v)) fail(`invalid value for ${key}: ${v}`);
      return /^(1|t|T|TRUE|true|True)$/.test(v);
    };
    const int = (base: number): number => {
      const n = Number.parseInt(v, base);
      if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) fail(`invalid value for ${key}: ${v}`);
      return n;
    };
    switch (key) {
      case 'type':
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.target = v;
        break;
      case 'source':
      case 'src':
        m.source = v;
        break;
      case 'from':
        m.from = v;
        break;
      case 'readonly':
      case 'ro':
        m.readOnly = bool();
        roSet = true;
        break;
      case 'rw':
      case 'readwrite':
        m.readOnly = !bool();
        roSet = true;
        break;
      case 'required':
        if (type !== 'secret' && type !== 'ssh') fail(`unexpected key '${key}' for mount type '${type}'`);
        m.required = bool();
        break;
      case 'id':
        m.id = v;
        break;
      case 'sharing':
        if (!['shared', 'private', 'locked'].includes(v)) fail(`unsupported sharing value "${v}"`);
        m.sharing = v as CacheSharing;
        break;
      case 'mode':
        m.mode = int(8);
        break;
      case 'uid':
        m.uid = int(10);
        break;
      case 'gid':
        m.gid = int(10);
        break;
      case 'env':
        if (type !== 'secret') fail(`unexpected key '${key}' for mount type '${type}'`);
        m.env = v;
        break;
      case 'size':
        if (type !== 'tmpfs') fail(`unexpected key '${key}' for mount type '${type}'`);
        m.size = parseSize(v, fail);
        break;
      default:
        fail(`unexpected key '${key}' in '${f}'`);
    }
  }
  if (type === 'secret' && m.id === undefined && m.source !== undefined) m.id = m.source;
  if (type === 'secret' && m.id === undefined) {
    if (m.target === '') fail('one of source, target required');
    m.id = posix.basename(m.target);
  }
  if (type === 'secret' && m.target === '' && m.env === undefined) m.target = `/run/secrets/${m.id}`;
  if (type === 'ssh') {
    m.id ??= 'default';
    if (m.target === '') m.target = '/run/buildkit/ssh_agent.0';
  }
  if (m.target === '' && !(type === 'secret' && m.env !== undefined)) fail('mount destination must be specified');
  if (m.target !== '') m.target = posix.normalize(`/${m.target}`).replace(/(.)\/+$/, '$1');
  if (type === 'cache') {
    if (!roSet) m.readOnly = false;
    m.id ??= m.target;
  }
  if (type === 'tmpfs' && m.source !== undefined) fail("unexpected key 'source' for mount type 'tmpfs'");
  if (m.id !== undefined && (type === 'bind' || type === 'tmpfs')) fail(`unexpected key 'id' for mount type '${type}'`);
  if (m.from !== undefined && type !== 'bind' && type !== 'cache') fail(`unexpected key 'from' for mount type '${type}'`);
  return m;
}

function splitField(f: string): [string, string, boolean] {
  const i = f.indexOf('=');
  return i < 0 ? [f, '', false] : [f.slice(0, i), f.slice(i + 1), true];
}

/** go-units' RAMInBytes: `64m`, `1g`, `512k`, plain bytes. */
function parseSize(v: string, fail: (m: string) => never): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(v);
  if (m === null) return fail(`invalid size: '${v}'`);
  const mult = 1024 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  return Math.floor(Number(m[1]) * mult);
}
