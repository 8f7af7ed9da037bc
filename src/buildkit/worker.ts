import { hostname } from 'node:os';

/** BuildKit's version as berth's builder reports it (Info, ListWorkers): the API level its protocol follows. */
export const BUILDKIT_VERSION = { package: 'github.com/moby/buildkit', version: 'v0.13.2+berth', revision: 'berth' };

/** The one worker: the daemon itself, linux/amd64, labelled as BuildKit's OCI worker labels itself. */
export function workerRecord(snapshotter: string): object {
  const host = hostname();
  return {
    ID: host,
    Labels: {
      'org.mobyproject.buildkit.worker.executor': 'oci',
      'org.mobyproject.buildkit.worker.hostname': host,
      'org.mobyproject.buildkit.worker.network': 'host',
      'org.mobyproject.buildkit.worker.oci.process-mode': 'sandbox',
      'org.mobyproject.buildkit.worker.selinux.enabled': 'false',
      'org.mobyproject.buildkit.worker.snapshotter': snapshotter,
    },
    platforms: [{ Architecture: 'amd64', OS: 'linux', Variant: '', OSVersion: '', OSFeatures: [] }],
    GCPolicy: [],
    BuildkitVersion: BUILDKIT_VERSION,
  };
}
