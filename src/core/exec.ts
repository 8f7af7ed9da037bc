/** An exec instance as the Docker Engine API defines it (v1.41 `ExecConfig`). */
export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

/** berth's record of an exec instance: kept in memory only, as Docker keeps them. */
export interface ExecRecord {
  ID: string;
  ContainerID: string;
  Config: ExecConfig;
  /** Set once `start` was called: an exec instance runs at most once. */
  Started: boolean;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
}
