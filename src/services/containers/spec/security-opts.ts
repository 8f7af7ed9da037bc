import { invalidArgument } from '../../../lib/errdefs.js';

/** HostConfig.SecurityOpt, understood (Docker's parseSecurityOpt). */
export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** 'builtin' (the default profile), 'unconfined', or a profile's JSON as the CLI sends it. */
  seccomp: string;
  /** `apparmor=<profile>`; '' when not given. */
  apparmor: string;
  /** `label=…` items (SELinux: user:, role:, type:, level:, disable, filetype:). */
  labels: string[];
  /** `systempaths=unconfined`: no masked or read-only paths. */
  unmaskedSystemPaths: boolean;
}

/**
 * Parses SecurityOpt as dockerd does: `key=value` (or the deprecated `key:value`), plus the
 * bare `no-new-privileges` and `disable`. Unknown keys → Docker's 400 message.
 */
export function securityOptions(opts: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: 'builtin', apparmor: '', labels: [], unmaskedSystemPaths: false };
  for (const opt of opts ?? []) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') {
      out.labels.push('disable');
      continue;
    }
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (sep === undefined) throw invalidArgument(`invalid --security-opt 1: "${opt}"`);
    const key = opt.slice(0, opt.indexOf(sep));
    const value = opt.slice(opt.indexOf(sep) + 1);
    switch (key) {
      case 'label':
        out.labels.push(value);
        break;
      case 'apparmor':
        out.apparmor = value;
        break;
      case 'seccomp':
        out.seccomp = value === '' ? 'builtin' : value;
        break;
      case 'no-new-privileges': {
        const b = parseBool(value);
        if (b === undefined) throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
        out.noNewPrivileges = b;
        break;
      }
      case 'systempaths':
        if (value !== 'unconfined') throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
        out.unmaskedSystemPaths = true;
        break;
      default:
        throw invalidArgument(`invalid --security-opt 2: "${opt}"`);
    }
  }
  return out;
}

/** Go's strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}
