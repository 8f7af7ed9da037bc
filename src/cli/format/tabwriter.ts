/**
 * Aligns tab-separated cells into columns like Go's text/tabwriter as the docker CLI sets it up
 * (minwidth 10, padding 3, pad with spaces): every column but the last is padded to
 * max(widest cell + 3, 10).
 */
export function alignColumns(lines: string[]): string {
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat(Math.max(widths[i]! + 3, 10) - displayWidth(cell)) : cell)).join(''))
    .join('\n');
}

function displayWidth(s: string): number {
  return [...s].length;
}
