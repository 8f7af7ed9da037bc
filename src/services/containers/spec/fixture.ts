/** Test fixtures for the spec options (imported by *.test.ts only). */
import type { ContainerConfig, ContainerRecord, HostConfig } from '../../../core/containers.js';
import type { Spec } from '../../../lib/oci/runtime-spec.js';
import type { SpecContext } from './types.js';

export const ID = 'c0ffee0000000000000000000000000000000000000000000000000000000001';

export function record(config: ContainerConfig = {}, hostConfig: HostConfig = {}): ContainerRecord {
  return {
    Id: ID,
    Name: 'web',
    Created: '2026-01-01T00:00:00.000000000Z',
    Path: '/bin/sh',
    Args: ['-c', 'echo hi'],
    Config: { Image: 'busybox', ...config },
    HostConfig: { NetworkMode: 'default', ...hostConfig },
    Image: 'sha256:' + 'a'.repeat(64),
    ImageRef: 'busybox',
    State: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: '', FinishedAt: '', OOMKilled: false },
    RestartCount: 0,
    Paths: {
      Bundle: `/var/lib/berth/containers/${ID}`,
      Rootfs: `/var/lib/berth/containers/${ID}/rootfs`,
      LogPath: `/var/lib/berth/containers/${ID}/log`,
      HostnamePath: `/var/lib/berth/containers/${ID}/hostname`,
      HostsPath: `/var/lib/berth/containers/${ID}/hosts`,
      ResolvConfPath: `/var/lib/berth/containers/${ID}/resolv.conf`,
    },
  };
}

export function context(config: ContainerConfig = {}, hostConfig: HostConfig = {}, over: Partial<SpecContext> = {}): SpecContext {
  return {
    record: record(config, hostConfig),
    rootfs: `/var/lib/berth/containers/${ID}/rootfs`,
    user: { uid: 0, gid: 0, additionalGids: [0], home: '/root' },
    hostname: 'c0ffee000000',
    hostNofile: { soft: 1024, hard: 20000 },
    ...over,
  };
}

export const emptySpec = (): Spec => ({ ociVersion: '1.0.2' });
