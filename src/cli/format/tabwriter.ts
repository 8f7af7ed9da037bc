/**
 * Aligns tab-separated cells into columns like Go's text/tabwriter as the docker CLI sets it up
 * (minwidth 10, padding 3, pad with spaces): every column but the last is padded to
 * max(widest cell + 3, 10).
 */
export function alignColumns(lines: string[]): string {
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  const cellWidths = rows.map((row) => row.map(displayWidth));
  for (const w of cellWidths) {
    for (let i = 0; i < w.length - 1; i++) widths[i] = Math.max(widths[i] ?? 0, w[i]!);
  }
  return rows
    .map((row, r) => row.map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat(Math.max(widths[i]! + 3, 10) - cellWidths[r]![i]!) : cell)).join(''))
    .join('\n');
}

/** Code points in `s` (what `[...s].length` counts, without making the array: ps prints thousands of cells). */
function displayWidth(s: string): number {
  let n = s.length;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const prev = s.charCodeAt(i - 1);
    if (c >= 0xdc00 && c <= 0xdfff && prev >= 0xd800 && prev <= 0xdbff) n--; // a surrogate pair is one code point
  }
  return n;
}
