import { constants } from 'node:os';
import { invalidArgument } from '../../../lib/errdefs.js';

const BY_NUMBER = new Map<number, string>(Object.entries(constants.signals).map(([name, num]) => [num, name] as [number, string]));

/** Normalises `KILL`, `sigkill`, `SIGKILL` or `9` to `SIGKILL`; throws Docker's error otherwise. */
export function parseSignal(s: string): string {
  const trimmed = s.trim();
  if (/^\d+$/.test(trimmed)) {
    const name = BY_NUMBER.get(Number(trimmed));
    if (name) return name;
  } else {
    const name = trimmed.toUpperCase().startsWith('SIG') ? trimmed.toUpperCase() : `SIG${trimmed.toUpperCase()}`;
    if (name in constants.signals) return name;
  }
  throw invalidArgument(`Invalid signal: ${s}`);
}
