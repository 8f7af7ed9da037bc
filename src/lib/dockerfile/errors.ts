import { invalidArgument, type BerthError } from '../errdefs.js';

/** The lines of the Dockerfile an error is about, 1-based and inclusive (BuildKit shows them above the error). */
export interface SourceLines {
  start: number;
  end: number;
}

const LINES = new WeakMap<object, SourceLines>();

/** Marks `err` as being about lines `start`..`end` (the first mark, the innermost, wins). */
export function atLines<E>(err: E, start: number, end = start): E {
  if (typeof err === 'object' && err !== null && !LINES.has(err)) LINES.set(err, { start, end });
  return err;
}

/** The lines `err`, or one of its causes, is about. */
export function linesOf(err: unknown): SourceLines | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const l = LINES.get(e);
    if (l !== undefined) return l;
  }
  return undefined;
}

/** Docker's wording for a Dockerfile that does not parse: the line number, then the reason. */
export function parseError(line: number, message: string, endLine = line): BerthError {
  return atLines(invalidArgument(`dockerfile parse error on line ${line}: ${message}`), line, endLine);
}
