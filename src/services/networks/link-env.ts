import type { ContainerRecord } from '../../core/containers.js';

interface Port {
  num: number;
  proto: string;
}

/** Docker's nat.Sort order for link ports: by number, tcp first among equal numbers. */
function sortPorts(exposed: Record<string, object> | null | undefined): Port[] {
  const ports = Object.keys(exposed ?? {}).map((k) => {
    const [num = '', proto = 'tcp'] = k.split('/');
    return { num: Number(num), proto: proto.toLowerCase() };
  });
  const rank = (p: Port): number => (p.proto === 'tcp' ? 0 : 1);
  return ports.filter((p) => Number.isInteger(p.num)).sort((a, b) => a.num - b.num || rank(a) - rank(b) || a.proto.localeCompare(b.proto));
}

/** Docker's nextContiguous: the index of the last port of the run of consecutive numbers starting at `i`. */
function nextContiguous(ports: Port[], i: number): number {
  let value = ports[i]!.num;
  for (let k = i + 1; k < ports.length; k++) {
    if (ports[k]!.num > value + 1) return k - 1;
    value++;
  }
  return ports.length - 1;
}

/**
 * The variables a legacy link gives the linking container, in Docker's order (daemon/links
 * Link.ToEnv): `<ALIAS>_PORT` (the lowest exposed port), `<ALIAS>_PORT_<n>_<PROTO>_START/…/_END`
 * for runs of three or more consecutive ports, then per port `<ALIAS>_PORT_<n>_<PROTO>`, `_ADDR`,
 * `_PORT`, `_PROTO`; `<ALIAS>_NAME=/<linking>/<alias>`; `<ALIAS>_ENV_<var>` for each of the
 * linked container's variables but HOME and PATH. The alias is upper-cased, `-` becomes `_`.
 */
export function linkEnv(linkName: string, child: Pick<ContainerRecord, 'Config'>, ip: string): string[] {
  const alias = linkName
    .slice(linkName.lastIndexOf('/') + 1)
    .toUpperCase()
    .replace(/-/g, '_');
  const ports = sortPorts(child.Config.ExposedPorts);
  const env: string[] = [];
  const at = (p: Port): string => `${alias}_PORT_${p.num}_${p.proto.toUpperCase()}`;
  if (ports[0]) env.push(`${alias}_PORT=${ports[0].proto}://${ip}:${ports[0].num}`);
  for (let i = 0; i < ports.length;) {
    const p = ports[i]!;
    const j = nextContiguous(ports, i);
    if (j > i + 1) {
      const q = ports[j]!;
      env.push(`${at(p)}_START=${p.proto}://${ip}:${p.num}`, `${at(p)}_ADDR=${ip}`, `${at(p)}_PROTO=${p.proto}`, `${at(p)}_PORT_START=${p.num}`);
      env.push(
        `${alias}_PORT_${p.num}_${q.proto.toUpperCase()}_END=${q.proto}://${ip}:${q.num}`,
        `${alias}_PORT_${p.num}_${q.proto.toUpperCase()}_PORT_END=${q.num}`,
      );
      i = j + 1;
    } else {
      i++;
    }
  }
  for (const p of ports) env.push(`${at(p)}=${p.proto}://${ip}:${p.num}`, `${at(p)}_ADDR=${ip}`, `${at(p)}_PORT=${p.num}`, `${at(p)}_PROTO=${p.proto}`);
  env.push(`${alias}_NAME=${linkName}`);
  for (const v of child.Config.Env ?? []) {
    const eq = v.indexOf('=');
    if (eq < 0) continue;
    const key = v.slice(0, eq);
    if (key === 'HOME' || key === 'PATH') continue;
    env.push(`${alias}_ENV_${key}=${v.slice(eq + 1)}`);
  }
  return env;
}
