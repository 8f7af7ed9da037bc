import type { ExecDeps } from '../../services/containers/exec/deps.js';

/** What the streaming server uses of berthd (the CRI's deps satisfy it): the containers and their execs, pod network namespaces, the log. */
export interface StreamingDeps {
  containers: ExecDeps;
  /** The network namespace (a path) of a pod sandbox. */
  sandboxNetns(podSandboxId: string): Promise<string>;
  log(msg: string): void;
}
