/**
 * Go's `httputil.NegotiateContentType` (golang/gddo), as dockerd's `GET /events` uses it: the
 * offer the `Accept` header likes best — an exact match beats `type/*`, which beats `*\/*`; a
 * higher q wins; on a tie, the earlier offer — else `fallback` (no header, nothing acceptable).
 */
export function negotiateContentType(accept: string | undefined, offers: readonly string[], fallback: string): string {
  const specs = (accept ?? '')
    .split(',')
    .map((part) => {
      const [value = '', ...params] = part.split(';').map((s) => s.trim());
      const q = params.map((p) => /^q\s*=\s*([\d.]+)$/i.exec(p)?.[1]).find((x) => x !== undefined);
      return { value: value.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((s) => s.value !== '' && Number.isFinite(s.q));
  let best = fallback;
  let bestQ = -1;
  let bestWild = 3;
  for (const offer of offers) {
    for (const spec of specs) {
      if (spec.q === 0 || spec.q < bestQ) continue;
      const wild = spec.value === '*/*' ? 2 : spec.value.endsWith('/*') ? 1 : 0;
      const matches = wild === 2 || (wild === 1 ? offer.startsWith(spec.value.slice(0, -1)) : spec.value === offer);
      if (matches && (spec.q > bestQ || bestWild > wild)) {
        best = offer;
        bestQ = spec.q;
        bestWild = wild;
      }
    }
  }
  return best;
}
