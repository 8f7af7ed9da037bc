import { invalidArgument, type BerthError } from '../errdefs.js';

/** Docker's wording for a Dockerfile that does not parse: the line number, then the reason. */
export function parseError(line: number, message: string): BerthError {
  return invalidArgument(`dockerfile parse error on line ${line}: ${message}`);
}
