import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';

/**
 * The running kernel's build options (`CONFIG_…` → value; an option that is "not set" is
 * absent), from /proc/config.gz or /boot/config-<release>; undefined when neither is readable.
 * Read once: a kernel's build does not change while it runs.
 */
export function kernelConfig(): ReadonlyMap<string, string> | undefined {
  if (cached === null) cached = readKernelConfig();
  return cached;
}

let cached: ReadonlyMap<string, string> | undefined | null = null;

function readKernelConfig(): ReadonlyMap<string, string> | undefined {
  let text: string | undefined;
  try {
    text = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch {
    try {
      text = readFileSync(`/boot/config-${release()}`, 'utf8');
    } catch {
      return undefined;
    }
  }
  return parseKernelConfig(text);
}

export function parseKernelConfig(text: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * libseccomp architectures this kernel cannot run (x86 only: the x32 ABI and 32-bit emulation are
 * build options). A seccomp filter section for them is never reached, and each one costs runc
 * ≈ 10 ms to compile at every container start. Empty when the build is unknown.
 */
export function unrunnableSeccompArches(config: ReadonlyMap<string, string> | undefined): ReadonlySet<string> {
  const out = new Set<string>();
  if (config === undefined || process.arch !== 'x64') return out;
  if (!config.has('CONFIG_X86_X32_ABI')) out.add('SCMP_ARCH_X32');
  if (!config.has('CONFIG_IA32_EMULATION')) out.add('SCMP_ARCH_X86');
  return out;
}
