/**
 * Docker's port specs (`nat.ParsePortSpec`): `80`, `80/udp`, `8080:80`, `127.0.0.1:8080:80`,
 * `127.0.0.1::80`, `8000-8001:80-81/tcp`, `[::1]:8080:80`. Returns the exposed ports and the
 * bindings Docker's API carries (`ExposedPorts`, `HostConfig.PortBindings`).
 */
export type PortBindings = Record<string, Array<{ HostIp: string; HostPort: string }>>;

export class PortSpecError extends Error {}

function parseRange(s: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (m === null) throw new PortSpecError(`invalid ${what}: ${s}`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 0 || b > 65535 || b < a) throw new PortSpecError(`invalid ${what}: ${s}`);
  if (what === 'containerPort' && a === 0) throw new PortSpecError(`no port specified: ${spec}<empty>`);
  return [a, b];
}

export function parsePortSpec(spec: string): { exposed: string[]; bindings: PortBindings } {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new PortSpecError(`invalid proto: ${proto}`);
  }
  let ip = '';
  let host = '';
  let container: string;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (v6) {
    ip = v6[1]!;
    const i = v6[2]!.lastIndexOf(':');
    host = v6[2]!.slice(0, i);
    container = v6[2]!.slice(i + 1);
  } else {
    const parts = rest.split(':');
    if (parts.length > 3) throw new PortSpecError(`invalid port format: ${spec}`);
    container = parts[parts.length - 1]!;
    if (parts.length >= 2) host = parts[parts.length - 2]!;
    if (parts.length === 3) ip = parts[0]!;
  }
  if (ip !== '' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !ip.includes(':')) throw new PortSpecError(`invalid IP address: ${ip}`);
  if (container === '') throw new PortSpecError(`no port specified: ${spec}<empty>`);
  const [cs, ce] = parseRange(container, 'containerPort', spec);
  let hs = 0;
  let he = 0;
  if (host !== '') [hs, he] = parseRange(host, 'hostPort', spec);
  const count = ce - cs + 1;
  if (host !== '' && he - hs + 1 !== count && !(hs !== he && cs === ce)) {
    throw new PortSpecError(`invalid ranges specified for container and host Ports: ${container} and ${host}`);
  }
  const exposed: string[] = [];
  const bindings: PortBindings = {};
  for (let i = 0; i < count; i++) {
    const key = `${cs + i}/${proto}`;
    exposed.push(key);
    // A host range for one container port means "any free port of the range" (Docker's).
    const hostPort = host === '' ? '' : hs !== he && count === 1 ? `${hs}-${he}` : String(hs + i);
    (bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
  }
  return { exposed, bindings };
}

/** All `-p` values merged (several may name the same container port). */
export function parsePortSpecs(specs: string[]): { exposed: string[]; bindings: PortBindings } {
  const exposed = new Set<string>();
  const bindings: PortBindings = {};
  for (const s of specs) {
    const r = parsePortSpec(s);
    r.exposed.forEach((e) => exposed.add(e));
    for (const [k, v] of Object.entries(r.bindings)) (bindings[k] ??= []).push(...v);
  }
  return { exposed: [...exposed], bindings };
}
