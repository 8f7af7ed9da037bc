import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKind } from '../../../lib/errdefs.js';
import type { LinuxSeccomp } from '../../../lib/oci/runtime-spec.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { context, emptySpec } from './fixture.js';
import { parseKernelConfig, unrunnableSeccompArches } from '../../../lib/kernel-config.js';
import { kernelAtLeast, seccompToOci, withSeccomp } from './seccomp.js';
import { CLONE_NAMESPACE_FLAGS, DEFAULT_SECCOMP_PROFILE } from './seccomp-default.js';

const oci = (caps: readonly string[] = DEFAULT_CAPABILITIES, kernel = '6.1.0', arch = 'amd64'): LinuxSeccomp =>
  seccompToOci(DEFAULT_SECCOMP_PROFILE, { capabilities: caps, kernel, arch, unrunnable: new Set() });
/** The rules naming `name`, unconditional (no args) ones first. */
const rules = (s: LinuxSeccomp, name: string) => s.syscalls!.filter((r) => r.names.includes(name));
const allowed = (s: LinuxSeccomp, name: string): boolean => rules(s, name).some((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args);

test('default profile: EPERM for the rest, x86_64 with its x86 and x32 sub-architectures', () => {
  const s = oci();
  assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.defaultErrnoRet, 1);
  assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(oci(DEFAULT_CAPABILITIES, '6.1.0', 'arm64').architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
});

test('sub-architectures the kernel was built without are left out of the filter (x32, 32-bit emulation)', () => {
  const only = (config: string): string[] =>
    seccompToOci(DEFAULT_SECCOMP_PROFILE, {
      capabilities: DEFAULT_CAPABILITIES,
      kernel: '6.1.0',
      arch: 'amd64',
      unrunnable: unrunnableSeccompArches(parseKernelConfig(config)),
    }).architectures!;
  if (process.arch !== 'x64') return;
  assert.deepEqual(only('CONFIG_IA32_EMULATION=y\n# CONFIG_X86_X32_ABI is not set\n'), ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(only('CONFIG_IA32_EMULATION=y\nCONFIG_X86_X32_ABI=y\n'), ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(only(''), ['SCMP_ARCH_X86_64']);
  assert.deepEqual(unrunnableSeccompArches(undefined).size, 0, 'an unknown build keeps every sub-architecture');
});

test('a default container may read, write, fork, but not mount, unshare, load modules or use keyrings', () => {
  const s = oci();
  for (const ok of ['read', 'write', 'openat', 'execve', 'fork', 'socket', 'arch_prctl', 'modify_ldt', 'chroot', 'ptrace'])
    assert.ok(rules(s, ok).length > 0, ok);
  for (const no of [
    'mount',
    'umount2',
    'unshare',
    'setns',
    'init_module',
    'finit_module',
    'keyctl',
    'add_key',
    'request_key',
    'reboot',
    'bpf',
    'kexec_load',
    'swapon',
    'clock_settime',
    'open_by_handle_at',
  ]) {
    assert.equal(allowed(s, no), false, no);
  }
  assert.equal(rules(s, 'cacheflush').length, 0, 'arm-only rules stay out on amd64');
});

test('clone may not create namespaces without CAP_SYS_ADMIN; clone3 gets ENOSYS', () => {
  const s = oci();
  assert.deepEqual(rules(s, 'clone'), [
    { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
  ]);
  assert.deepEqual(rules(s, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
  const admin = oci([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
  for (const name of ['mount', 'unshare', 'setns', 'clone', 'clone3']) assert.ok(allowed(admin, name), name);
  assert.ok(!rules(admin, 'clone3').some((r) => r.action === 'SCMP_ACT_ERRNO'));
});

test('capability groups follow the bounding set', () => {
  assert.ok(allowed(oci([...DEFAULT_CAPABILITIES, 'CAP_SYS_MODULE']), 'finit_module'));
  assert.ok(allowed(oci([...DEFAULT_CAPABILITIES, 'CAP_SYS_TIME']), 'clock_settime'));
  assert.ok(allowed(oci([...DEFAULT_CAPABILITIES, 'CAP_SYS_BOOT']), 'reboot'));
  assert.equal(allowed(oci(DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT')), 'chroot'), false);
  // ptrace: from kernel 4.8 for everyone, before only with CAP_SYS_PTRACE.
  assert.equal(allowed(oci(DEFAULT_CAPABILITIES, '4.4.0'), 'ptrace'), false);
  assert.ok(allowed(oci([...DEFAULT_CAPABILITIES, 'CAP_SYS_PTRACE'], '4.4.0'), 'ptrace'));
});

test('socket: any family but AF_VSOCK; personality: only the listed domains', () => {
  const s = oci();
  assert.deepEqual(rules(s, 'socket')[0]!.args, [{ index: 0, value: 40, valueTwo: 0, op: 'SCMP_CMP_NE' }]);
  assert.deepEqual(
    rules(s, 'personality').map((r) => r.args![0]!.value),
    [0, 8, 0x20000, 0x20008, 0xffffffff],
  );
});

test('kernel versions compare by major.minor', () => {
  assert.ok(kernelAtLeast('6.18.44-fc', '4.8'));
  assert.ok(kernelAtLeast('4.8.0', '4.8'));
  assert.ok(!kernelAtLeast('4.7.10', '4.8'));
});

test("bad profiles are refused with Docker's words", () => {
  const bad = (p: object) =>
    assert.throws(
      () => seccompToOci(p as never, { capabilities: [] }),
      (err) => isKind(err, 'InvalidArgument'),
    );
  bad({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }] });
  bad({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ name: 'read', names: ['write'], action: 'SCMP_ACT_ALLOW' }] });
  bad({ defaultAction: 'SCMP_ACT_NOPE' });
  bad({});
});

test('withSeccomp: builtin by default; none for --privileged or seccomp=unconfined; a sent profile is used', () => {
  const run = (hc: Parameters<typeof context>[1], seccomp?: boolean) => {
    const spec = emptySpec();
    spec.process = { user: { uid: 0, gid: 0 }, cwd: '/', capabilities: { bounding: [...DEFAULT_CAPABILITIES] } };
    withSeccomp(spec, context({}, hc, seccomp === undefined ? {} : { daemon: { cgroupVersion: '1', apparmor: false, seccomp } }));
    return spec.linux!.seccomp;
  };
  assert.equal(run({})!.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(run({}, true)!.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(run({}, false), undefined, 'a kernel without seccomp filters gets no profile (Docker runs such containers unconfined)');
  assert.equal(run({ Privileged: true }), undefined);
  assert.equal(run({ SecurityOpt: ['seccomp=unconfined'] }), undefined);
  const custom = run({
    SecurityOpt: [`seccomp=${JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'mkdir', action: 'SCMP_ACT_ERRNO' }] })}`],
  })!;
  assert.equal(custom.defaultAction, 'SCMP_ACT_ALLOW');
  assert.deepEqual(custom.syscalls, [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }]);
  assert.throws(
    () => run({ SecurityOpt: ['seccomp={oops'] }),
    (err) => isKind(err, 'InvalidArgument'),
  );
});

test('io_uring is refused for every container, whatever its capabilities (Docker 25+)', () => {
  for (const s of [oci(), oci([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'])]) {
    for (const name of ['io_uring_setup', 'io_uring_enter', 'io_uring_register']) assert.deepEqual(rules(s, name), [], name);
  }
});
