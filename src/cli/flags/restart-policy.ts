import { InvalidArgumentError } from 'commander';
import type { HostConfig } from '../../api/types/containers.js';

type RestartPolicy = NonNullable<HostConfig['RestartPolicy']>;

/** `no`, `always`, `unless-stopped`, `on-failure[:max-retries]`. */
export function parseRestartPolicy(v: string): RestartPolicy {
  const [name, count] = v.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!) || (count !== undefined && name !== 'on-failure')) {
    throw new InvalidArgumentError(`invalid restart policy format: ${v}`);
  }
  const policy: RestartPolicy = { Name: name as RestartPolicy['Name'] };
  if (count !== undefined) {
    const n = Number(count);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`invalid restart policy format: maximum retry count must be an integer`);
    policy.MaximumRetryCount = n;
  }
  return policy;
}
