import { BerthError } from '../lib/errdefs.js';
import { kindOfStatus } from '../api/errors.js';

/** An error the daemon answered with; the CLI prints it as "Error response from daemon: …". */
export class DaemonError extends BerthError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(kindOfStatus(status), message);
    this.name = 'DaemonError';
  }
}
