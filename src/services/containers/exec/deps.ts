import type { ContainerDeps } from '../deps.js';
import type { ExecStore } from './store.js';

/** The exec use cases need the container deps plus the exec instances. */
export interface ExecDeps extends ContainerDeps {
  execs: ExecStore;
}
