/** ` (did you mean run?)` when a close enough name exists (BuildKit's suggestion), else ''. */
export function suggest(word: string, options: string[]): string {
  let best = '';
  let bestDist = Infinity;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o);
    if (d < bestDist) [best, bestDist] = [o, d];
  }
  return bestDist > 0 && bestDist <= Math.max(1, Math.floor(word.length / 3)) ? ` (did you mean ${best}?)` : '';
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
