/**
 * docker/go-units' RAMInBytes: `512m`, `1g`, `100k`, `1.5mb`, plain bytes; binary multiples
 * (k = 1024). undefined when the text is not a size (callers word the error: "invalid size: 'x'").
 */
export function ramInBytes(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(s.trim());
  if (m === null) return undefined;
  return Math.floor(Number(m[1]) * 1024 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase()));
}
