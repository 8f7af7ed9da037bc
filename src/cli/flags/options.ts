// Parsing of flag and argument values as the docker CLI reads them: repeatable flags, integers,
// filters, pflag-style booleans, --since/--until times, restart policies, REPOSITORY[:TAG].
// Below the commands; imports commander, api/types and lib only, nothing else of cli/.
import { InvalidArgumentError } from 'commander';

/** For repeatable flags (`-e A -e B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid argument "${value}": strconv.ParseInt: parsing "${value}": invalid syntax`);
  return n;
}

/** `--filter a=b` flags → the API's JSON filters map. */
export function filtersJson(filters: string[] | undefined): string | undefined {
  if (!filters?.length) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const f of filters) {
    const i = f.indexOf('=');
    if (i < 0) throw new InvalidArgumentError(`bad format of filter (expected name=value)`);
    const key = f.slice(0, i).trim().toLowerCase();
    (out[key] ??= {})[f.slice(i + 1)] = true;
  }
  return JSON.stringify(out);
}

/**
 * A boolean flag that also takes a value (`--pause=false`, `-H=false`), as pflag's bool flags do;
 * commander hands a short flag's `=value` over with its `=`.
 */
export function parseBoolFlag(v: string | boolean, flag: string): boolean {
  if (typeof v === 'boolean') return v;
  const s = v.replace(/^=/, '');
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(s)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(s)) return false;
  throw new InvalidArgumentError(`invalid argument "${s}" for "${flag}" flag: strconv.ParseBool: parsing "${s}": invalid syntax`);
}
