import type { RuntimeExec, RuntimeStdio } from '../../../core/runtime.js';
import type { ContainerDeps } from '../deps.js';
import type { ExecStore } from './store.js';

/** The exec routes and the healthchecks hold the container deps plus the exec instances. */
export interface ExecDeps extends ContainerDeps {
  execs: ExecStore;
}

/**
 * What the exec use cases use: the container records and the exec instances, the runtime's exec
 * role (and the terminal size), the host's and the daemon's limits for the process, the bus.
 */
export type ExecRunDeps = Pick<ContainerDeps, 'store' | 'events' | 'host' | 'defaults' | 'networks'> & {
  execs: ExecStore;
  runtime: RuntimeExec & Pick<RuntimeStdio, 'resize'>;
};
