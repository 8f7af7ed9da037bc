/**
 * The metav1.Status objects the v4 error stream carries (JSON in Go's field order), as the
 * kubelet's remotecommand server writes them: Success, a non-zero exit (kubectl and client-go
 * read the code from the ExitCode cause), or an internal error.
 */
export function successStatus(): string {
  return JSON.stringify({ metadata: {}, status: 'Success' });
}

export function exitStatus(cmd: string[], code: number): string {
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${cmd.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

export function internalErrorStatus(message: string): string {
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  });
}

/** The text v1–v3 clients read from the error stream: nothing on success, else the status's message. */
export function legacyErrorText(statusJson: string): string {
  const s = JSON.parse(statusJson) as { status: string; message?: string };
  return s.status === 'Success' ? '' : (s.message ?? '');
}
