/**
 * The OCI runtime boundary: create a container from a bundle under a monitor that outlives
 * berthd, start it, signal it, learn how it ended, delete it. Implementations keep no state in
 * memory that cannot be rebuilt from their files (pid files, exit files, the runtime's state dir).
 */
export interface CreateOptions {
  id: string;
  name: string;
  bundle: string; // holds config.json
  /** The capture of the container's output: the monitor appends k8s-file records to it. */
  logPath: string;
  /** Also send the output to journald, under this tag (SYSLOG_IDENTIFIER). */
  journald?: { tag: string };
  tty: boolean;
  openStdin: boolean;
  /** Close the container's stdin when an attached client sends EOF (Docker's StdinOnce). */
  stdinOnce?: boolean;
  /**
   * The OCI runtime by its configured name (HostConfig.Runtime); the runtime's default when absent.
   * Every later call about the container (start, exec, kill, update, delete, state) uses the same one.
   */
  runtime?: string;
}

import type { LinuxResources, Process } from '../lib/oci/runtime-spec.js';

/**
 * A connection to a process's stdio held by its monitor: output arrives as it is produced (to
 * connections open at the time), input goes to the process's stdin. Closing stdin (EOF) or the
 * connection does not stop the process.
 */
export interface StdioSession {
  /** Output from now on; the first subscriber also gets what came before it (a process writes as soon as it starts). */
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  /** Called once, when the monitor closes the connection (the process has ended) or on close(). */
  onEnd(cb: () => void): void;
  write(data: Buffer): void;
  /** Sends EOF to the process's stdin (when the monitor was told to close it on disconnect). */
  closeStdin(): void;
  close(): void;
}

export interface ExecOptions {
  containerId: string;
  execId: string;
  process: Process;
  stdin: boolean;
}

/** A process started inside a running container; its stdio is connected before it runs. */
export interface ExecProcess {
  pid: number;
  io: StdioSession;
  /** Settles with the exit code once the process has ended and its output has been delivered. */
  exitCode: Promise<number>;
}

export type RuntimeStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export interface RuntimeState {
  status: RuntimeStatus;
  pid: number;
}

/**
 * The runtime's roles. A runtime implements the ones it can (a CRI sandbox runtime needs no
 * attach socket; a runtime without a monitor cannot report exits by itself); the conmon driver
 * implements all of them. Each use case names the roles it uses, so a reader of `pause` sees
 * that it needs `RuntimeLifecycle` and nothing of exec or stdio.
 */

/** Creating, starting, signalling, freezing and deleting a container, and asking what the runtime holds. */
export interface RuntimeLifecycle {
  /** Creates the container (not yet started) and returns the pid of its first process. */
  create(opts: CreateOptions): Promise<number>;
  /** Starts a created container's process; `pid` is what `create` returned. */
  start(id: string, pid: number): Promise<void>;
  kill(id: string, signal: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Whether the runtime holds state for the container (cheap: no process is spawned). */
  known(id: string): Promise<boolean>;
  /** undefined when the runtime does not know the container (never created, or deleted). */
  state(id: string): Promise<RuntimeState | undefined>;
}

/** The monitor's account of exits, and its per-container files. */
export interface ExitMonitor {
  /** The exit code written by the monitor, or undefined while the container has not exited. */
  exitCode(id: string): Promise<number | undefined>;
  /** Forgets the monitor's per-container files after an exit has been recorded. */
  cleanup(id: string): Promise<void>;
  /**
   * Ends the container's monitor if it still runs (start-up, rolling back a start cut short: after
   * `delete`, a monitor that did not exit on its own). Returns whether there was one to end.
   */
  stopMonitor(id: string, bundle: string): Promise<boolean>;
  /** Calls `onExit(id)` whenever a container exits (also for exits that happened while nobody watched). */
  watchExits(onExit: (id: string) => void): () => void;
}

/** A container's stdio as its monitor holds it: attach, terminal size, the log file. */
export interface RuntimeStdio {
  /** A new connection to a running container's stdio (created with openStdin for input). */
  attach(id: string): Promise<StdioSession>;
  /** Sets the terminal size of a container (or of one of its exec processes). */
  resize(target: { id: string; execId?: string }, height: number, width: number): Promise<void>;
  /** Asks a running container's monitor to reopen its log path (after the file was renamed away). */
  reopenLog(id: string): Promise<void>;
}

/** Processes run inside a running container. */
export interface RuntimeExec {
  /** Runs a process in a running container (exec). */
  exec(opts: ExecOptions): Promise<ExecProcess>;
  /** Forgets an exec process's files once it has ended. */
  cleanupExec(execId: string): Promise<void>;
}

/** A running container's cgroup: its limits and its processes. */
export interface RuntimeResources {
  /** Changes a running container's cgroup limits. */
  update(id: string, resources: LinuxResources): Promise<void>;
  /** The host pids of every process in the container. */
  pids(id: string): Promise<number[]>;
}

/** Every role: what the daemon wires (the conmon driver) and what `ContainerDeps` carries. */
export interface ContainerRuntime extends RuntimeLifecycle, ExitMonitor, RuntimeStdio, RuntimeExec, RuntimeResources {}
