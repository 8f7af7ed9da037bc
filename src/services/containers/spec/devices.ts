import { invalidArgument } from '../../../lib/errdefs.js';
import type { LinuxDevice, LinuxDeviceCgroup } from '../../../lib/oci/runtime-spec.js';
import type { SpecOption } from './types.js';

const node = (path: string, major: number, minor: number): LinuxDevice => ({
  path,
  type: 'c',
  major,
  minor,
  fileMode: 0o666,
  uid: 0,
  gid: 0,
});

/**
 * The device nodes every container gets. runc would create these by itself too; listing them
 * keeps config.json self-describing. /dev/console is runc's job (it binds the pty there when
 * terminal is true); /dev/ptmx is a symlink into the devpts mount.
 */
export const DEFAULT_DEVICES: readonly LinuxDevice[] = [
  node('/dev/null', 1, 3),
  node('/dev/zero', 1, 5),
  node('/dev/full', 1, 7),
  node('/dev/random', 1, 8),
  node('/dev/urandom', 1, 9),
  node('/dev/tty', 5, 0),
];

const allow = (type: 'c' | 'b', major: number | undefined, minor: number | undefined, access: string): LinuxDeviceCgroup => {
  const rule: LinuxDeviceCgroup = { allow: true, type };
  if (major !== undefined) rule.major = major;
  if (minor !== undefined) rule.minor = minor;
  rule.access = access;
  return rule;
};

/**
 * Docker's device cgroup rules: deny everything, then allow mknod of any node (creating a node
 * is harmless when opening it is denied), the default devices, the console, ptmx and pts, and
 * /dev/net/tun. An omitted major/minor is a wildcard.
 */
export const DEFAULT_DEVICE_RULES: readonly LinuxDeviceCgroup[] = [
  { allow: false, type: 'a', access: 'rwm' },
  allow('c', undefined, undefined, 'm'),
  allow('b', undefined, undefined, 'm'),
  allow('c', 1, 3, 'rwm'), // null
  allow('c', 1, 5, 'rwm'), // zero
  allow('c', 1, 7, 'rwm'), // full
  allow('c', 1, 8, 'rwm'), // random
  allow('c', 1, 9, 'rwm'), // urandom
  allow('c', 5, 0, 'rwm'), // tty
  allow('c', 5, 1, 'rwm'), // console
  allow('c', 5, 2, 'rwm'), // ptmx
  allow('c', 136, undefined, 'rwm'), // pts/*
  allow('c', 10, 200, 'rwm'), // net/tun
];

/**
 * A `--device-cgroup-rule` (`c 1:3 mr`, `a *:* rwm`) as a device cgroup allow rule, Docker's
 * grammar and message; `*` is a wildcard (major/minor left out).
 */
export function parseDeviceCgroupRule(rule: string): LinuxDeviceCgroup {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule);
  if (m === null) throw invalidArgument(`invalid device cgroup rule format: '${rule}'`);
  const num = (v: string): number | undefined => (v === '*' ? undefined : Number(v));
  const out: LinuxDeviceCgroup = { allow: true, type: m[1] as LinuxDeviceCgroup['type'] };
  const major = num(m[2]!);
  const minor = num(m[3]!);
  if (major !== undefined) out.major = major;
  if (minor !== undefined) out.minor = minor;
  out.access = m[4]!;
  return out;
}

/**
 * Device nodes and the device cgroup: the defaults, plus the host devices the caller resolved
 * (ctx.devices: `--device` items with their permissions, or every host device for
 * `--privileged`, which also allows every device in the cgroup, as Docker does), then the
 * `--device-cgroup-rule`s.
 */
export const withDevices: SpecOption = (spec, ctx) => {
  const linux = (spec.linux ??= {});
  const byPath = new Map(DEFAULT_DEVICES.map((d) => [d.path, { ...d }]));
  for (const { device } of ctx.devices ?? []) byPath.set(device.path, { ...device });
  linux.devices = [...byPath.values()];
  const rules: LinuxDeviceCgroup[] = ctx.record.HostConfig.Privileged
    ? [{ allow: true, type: 'a', access: 'rwm' }]
    : DEFAULT_DEVICE_RULES.map((r) => ({ ...r }));
  if (!ctx.record.HostConfig.Privileged) {
    for (const { device, permissions } of ctx.devices ?? []) {
      if (device.type === 'c' || device.type === 'b') rules.push(allow(device.type, device.major, device.minor, permissions));
    }
    for (const rule of ctx.record.HostConfig.DeviceCgroupRules ?? []) rules.push(parseDeviceCgroupRule(rule));
  }
  (linux.resources ??= {}).devices = rules;
};
