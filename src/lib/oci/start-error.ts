/**
 * Docker's exit code for a process the OCI runtime could not start, read from the runtime's
 * message: 127 when the command was not found, 126 when it cannot be run, undefined for any
 * other failure (each caller has its own: 128 for a container, 126 for an exec, 125 in the CLI).
 */
export function startErrorExitCode(message: string): 127 | 126 | undefined {
  if (/executable file not found|no such file or directory|system cannot find the file/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return undefined;
}
