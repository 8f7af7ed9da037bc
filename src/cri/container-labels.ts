import type { ContainerRecord } from '../core/containers.js';

/**
 * The labels dockershim put on a pod's containers, which berth keeps so that `docker ps` shows
 * what the kubelet's tools expect; the CRI's own labels are the config's, its annotations are
 * labels prefixed `annotation.` (dockershim's convention).
 */
export const LABEL = {
  containerName: 'io.kubernetes.container.name',
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  sandboxId: 'io.kubernetes.sandbox.id',
  logPath: 'io.kubernetes.container.logpath',
  type: 'io.kubernetes.docker.type',
} as const;

const ANNOTATION = 'annotation.';
/** berth's bookkeeping labels, not part of the CRI view. */
const INTERNAL = new Set<string>([LABEL.sandboxId, LABEL.logPath, LABEL.type]);

export function criLabelsOf(rec: ContainerRecord): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec.Config.Labels ?? {})) {
    if (k.startsWith(ANNOTATION)) annotations[k.slice(ANNOTATION.length)] = v;
    else if (!INTERNAL.has(k)) labels[k] = v;
  }
  return { labels, annotations };
}

/** The CRI's labels and annotations as container labels. */
export function toContainerLabels(labels: Record<string, string>, annotations: Record<string, string>): Record<string, string> {
  return { ...labels, ...Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`${ANNOTATION}${k}`, v])) };
}

/** Whether a berth container is a pod's (made through the CRI), and of which sandbox. */
export function sandboxOf(rec: ContainerRecord): string | undefined {
  const labels = rec.Config.Labels ?? {};
  return labels[LABEL.type] === 'container' ? labels[LABEL.sandboxId] : undefined;
}

/** Every selector label present with the same value. */
export function matchesSelector(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}
