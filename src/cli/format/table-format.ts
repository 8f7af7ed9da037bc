/**
 * docker's table convention: a format starting with "table" prints a header
 * row and aligned columns. Like the docker CLI (formatter.preFormat), the
 * "table" prefix is removed and then surrounding spaces are trimmed.
 */
export function isTableFormat(fmt: string): { table: boolean; body: string } {
  const table = fmt.startsWith('table');
  const body = (table ? fmt.slice('table'.length) : fmt).replace(/^ +| +$/g, '');
  return { table, body };
}

/** Turns the two-character sequences `\t` and `\n` typed on a command line into tab and newline. */
export function expandEscapes(fmt: string): string {
  return fmt.replace(/\\([tn])/g, (_, c: string) => (c === 't' ? '\t' : '\n'));
}
