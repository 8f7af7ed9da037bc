/**
 * The OCI runtime boundary: create a container from a bundle under a monitor that outlives
 * berthd, start it, signal it, learn how it ended, delete it. Implementations keep no state in
 * memory that cannot be rebuilt from their files (pid files, exit files, the runtime's state dir).
 */
export interface CreateOptions {
  id: string;
  name: string;
  bundle: string; // holds config.json
  logPath: string;
  tty: boolean;
  openStdin: boolean;
}

export type RuntimeStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface RuntimeState {
  status: RuntimeStatus;
  pid: number;
}

export interface ContainerRuntime {
  /** Creates the container (not yet started) and returns the pid of its first process. */
  create(opts: CreateOptions): Promise<number>;
  start(id: string): Promise<void>;
  kill(id: string, signal: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Whether the runtime holds state for the container (cheap: no process is spawned). */
  known(id: string): Promise<boolean>;
  /** undefined when the runtime does not know the container (never created, or deleted). */
  state(id: string): Promise<RuntimeState | undefined>;
  /** The exit code written by the monitor, or undefined while the container has not exited. */
  exitCode(id: string): Promise<number | undefined>;
  /** Forgets the monitor's per-container files after an exit has been recorded. */
  cleanup(id: string): Promise<void>;
  /** Calls `onExit(id)` whenever a container exits (also for exits that happened while nobody watched). */
  watchExits(onExit: (id: string) => void): () => void;
}
