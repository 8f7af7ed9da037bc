import { release } from 'node:os';
import { invalidArgument } from '../../../lib/errdefs.js';
import { kernelConfig, unrunnableSeccompArches } from '../../../lib/kernel-config.js';
import type { LinuxSeccomp, LinuxSeccompAction, LinuxSeccompArg, LinuxSyscall } from '../../../lib/oci/runtime-spec.js';
import { DEFAULT_SECCOMP_PROFILE } from './seccomp-default.js';
import { securityOptions } from './security-opts.js';
import type { SpecOption } from './types.js';

/** A condition on a rule: capabilities (all must be held), architectures (Go names), kernel. */
export interface SeccompFilter {
  caps?: string[] | null;
  arches?: string[] | null;
  minKernel?: string;
}

/** One rule of a Docker-format profile (`name` is the older spelling of a single `names`). */
export interface SeccompRule {
  name?: string;
  names?: string[] | null;
  action: string;
  errnoRet?: number;
  args?: LinuxSeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

/** Docker's seccomp profile format (what `--security-opt seccomp=<file>` carries). */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[] | null;
  archMap?: Array<{ architecture: string; subArchitectures: string[] | null }> | null;
  syscalls?: SeccompRule[] | null;
  flags?: string[] | null;
}

/** Node's process.arch → Go's GOARCH (Docker's profiles name arches the Go way). */
const GO_ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  s390x: 's390x',
  ppc64: 'ppc64le',
  riscv64: 'riscv64',
  mips64el: 'mips64le',
};
/** GOARCH → libseccomp's native architecture name. */
const NATIVE_ARCH: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64',
  '386': 'SCMP_ARCH_X86',
  arm64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM',
  s390x: 'SCMP_ARCH_S390X',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64',
  mips64le: 'SCMP_ARCH_MIPSEL64',
};
/** Docker's shorter arch names in includes/excludes ("x86" for 386) as well as Go's. */
const ARCH_ALIASES: Record<string, string[]> = { '386': ['386', 'x86'], amd64: ['amd64'] };

const ACTIONS = new Set<string>([
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
]);

export interface SeccompTarget {
  /** The container's bounding capabilities. */
  capabilities: readonly string[];
  /** Go architecture name; default: this host's. */
  arch?: string;
  /** Kernel release ("6.1.0-…"); default: this host's. */
  kernel?: string;
  /** Sub-architectures the kernel cannot run, left out of the filter; default: this host's. */
  unrunnable?: ReadonlySet<string>;
}

/** "6.18.4-foo" ≥ "4.8"? Compared by major.minor, as Docker does. */
export function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (s: string): [number, number] => {
    const m = /^(\d+)\.(\d+)/.exec(s);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  const [a, b] = parse(kernel);
  const [c, d] = parse(min);
  return a > c || (a === c && b >= d);
}

function action(a: string, where: string): LinuxSeccompAction {
  if (!ACTIONS.has(a)) throw invalidArgument(`seccomp profile: unknown action "${a}" in ${where}`);
  return a as LinuxSeccompAction;
}

/**
 * Docker's profile → the OCI seccomp section for one container (Docker's setupSeccomp): the
 * native architecture's entry of archMap (less the sub-architectures the kernel cannot run), and
 * only the rules whose includes hold and excludes do not. Throws InvalidArgument for profiles Docker rejects.
 */
export function seccompToOci(profile: SeccompProfile, target: SeccompTarget): LinuxSeccomp {
  const arch = target.arch ?? GO_ARCH[process.arch] ?? process.arch;
  const kernel = target.kernel ?? release();
  const archNames = ARCH_ALIASES[arch] ?? [arch];
  const hasCap = (c: string): boolean => target.capabilities.includes(c);
  if (typeof profile !== 'object' || profile === null || typeof profile.defaultAction !== 'string') {
    throw invalidArgument('seccomp profile: defaultAction must be set');
  }
  if ((profile.architectures?.length ?? 0) > 0 && (profile.archMap?.length ?? 0) > 0) {
    throw invalidArgument("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  let architectures = profile.architectures ?? [];
  const native = NATIVE_ARCH[arch];
  const unrunnable = target.unrunnable ?? unrunnableSeccompArches(kernelConfig());
  for (const a of profile.archMap ?? []) {
    if (a.architecture === native) architectures = [a.architecture, ...(a.subArchitectures ?? []).filter((s) => !unrunnable.has(s))];
  }
  const syscalls: LinuxSyscall[] = [];
  for (const [i, rule] of (profile.syscalls ?? []).entries()) {
    if (rule.name && (rule.names?.length ?? 0) > 0) {
      throw invalidArgument("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    }
    const inc = rule.includes ?? {};
    const exc = rule.excludes ?? {};
    if (inc.arches?.length && !inc.arches.some((a) => archNames.includes(a))) continue;
    if (inc.caps?.length && !inc.caps.every(hasCap)) continue;
    if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) continue;
    if (exc.arches?.length && exc.arches.some((a) => archNames.includes(a))) continue;
    if (exc.caps?.length && exc.caps.some(hasCap)) continue;
    const call: LinuxSyscall = { names: rule.name ? [rule.name] : [...(rule.names ?? [])], action: action(rule.action, `syscalls[${i}]`) };
    if (rule.errnoRet !== undefined) call.errnoRet = rule.errnoRet;
    if (rule.args?.length) call.args = rule.args.map((a) => ({ index: a.index, value: a.value, valueTwo: a.valueTwo ?? 0, op: a.op }));
    syscalls.push(call);
  }
  const out: LinuxSeccomp = { defaultAction: action(profile.defaultAction, 'defaultAction'), architectures, syscalls };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  if (profile.flags?.length) out.flags = [...profile.flags];
  return out;
}

/** Parses a profile sent in `seccomp=<json>`; bad JSON → InvalidArgument. */
export function parseSeccompProfile(json: string): SeccompProfile {
  let profile: unknown;
  try {
    profile = JSON.parse(json);
  } catch (err) {
    throw invalidArgument(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw invalidArgument('Decoding seccomp profile failed: not a JSON object');
  }
  return profile as SeccompProfile;
}

/**
 * spec.linux.seccomp: none for `--privileged`, `seccomp=unconfined` or a kernel without seccomp
 * filters, the given profile for `seccomp=<json>`, else the built-in one. Runs after withCapabilities: rules depend on the
 * bounding set.
 */
export const withSeccomp: SpecOption = (spec, ctx) => {
  const hc = ctx.record.HostConfig;
  const { seccomp } = securityOptions(hc.SecurityOpt);
  const linux = (spec.linux ??= {});
  if (hc.Privileged === true || seccomp === 'unconfined' || ctx.daemon?.seccomp === false) {
    delete linux.seccomp;
    return;
  }
  const profile = seccomp === 'builtin' ? DEFAULT_SECCOMP_PROFILE : parseSeccompProfile(seccomp);
  linux.seccomp = seccompToOci(profile, { capabilities: spec.process?.capabilities?.bounding ?? [] });
};
