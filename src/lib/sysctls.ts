/** Sysctls with their own copy per namespace (runc's list): the IPC ones named one by one. */
const IPC_SYSCTLS = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/** The namespace a sysctl belongs to, or undefined when it is the host's alone (never allowed in a container). */
export function sysctlNamespace(key: string): 'ipc' | 'net' | 'uts' | undefined {
  if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (key.startsWith('net.')) return 'net';
  if (key === 'kernel.hostname' || key === 'kernel.domainname') return 'uts';
  return undefined;
}
