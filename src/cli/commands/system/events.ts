import type { Command } from 'commander';
import type { EventMessage } from '../../../api/types/events.js';
import { forEachJsonLine } from '../../../client/json-lines.js';
import { engine, out } from '../../endpoint/context.js';
import { renderOne } from '../../format/render.js';
import { collect, filtersJson } from '../../flags/options.js';
import { parseTimeFlag } from '../../flags/time-flags.js';

/** docker's default line: `2026-11-23T05:23:11.245123456Z container start <id> (image=busybox, name=web)`. */
export function eventLine(ev: EventMessage): string {
  const ns = BigInt(ev.timeNano);
  const secs = Number(ns / 1_000_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const time = `${new Date(secs * 1000).toISOString().slice(0, 19)}.${frac}Z`;
  const attrs = Object.entries(ev.Actor.Attributes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return `${time} ${ev.Type} ${ev.Action} ${ev.Actor.ID}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

export function eventsCommand(parent: Command): void {
  parent
    .command('events')
    .description('Get real time events from the server')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <string>', 'Format the output using the given Go template')
    .option('--since <string>', 'Show all events created since timestamp')
    .option('--until <string>', 'Stream events until this timestamp')
    .action(async (flags: { filter?: string[]; format?: string; since?: string; until?: string }) => {
      const stream = await engine().events({ filters: filtersJson(flags.filter), since: parseTimeFlag(flags.since), until: parseTimeFlag(flags.until) });
      await forEachJsonLine<EventMessage>(stream, (ev) => out(`${flags.format ? renderOne(flags.format, ev) : eventLine(ev)}\n`));
    });
}
