import type { Command } from 'commander';
import type { StatsResponse } from '../../../api/types/stats.js';
import { engine, out } from '../../endpoint/context.js';
import { renderRows } from '../../format/render.js';
import { STATS_DEFAULT, STATS_HEADERS, statsContext } from '../../format/stats.js';

interface StatsFlags {
  all?: boolean;
  noStream?: boolean;
  stream: boolean;
  format?: string;
  trunc: boolean;
}

export function statsCommand(parent: Command): void {
  parent
    .command('stats')
    .description('Display a live stream of container(s) resource usage statistics')
    .argument('[container...]')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-stream', 'Disable streaming stats and only pull the first result')
    .option('--no-trunc', "Don't truncate output")
    .action(async (containers: string[], flags: StatsFlags) => {
      const api = engine();
      const targets = containers.length > 0 ? containers : (await api.containerList({ all: flags.all })).map((c) => c.Id);
      const format = flags.format ?? STATS_DEFAULT;
      const render = (latest: Map<string, StatsResponse>): string =>
        renderRows(
          format,
          targets.filter((t) => latest.has(t)).map((t) => statsContext(t, latest.get(t)!, flags.trunc)),
          STATS_HEADERS,
        );
      if (!flags.stream) {
        const latest = new Map<string, StatsResponse>();
        await Promise.all(targets.map(async (t) => latest.set(t, await api.containerStats(t))));
        out(render(latest));
        return;
      }
      // Streaming: one connection per container; the screen is redrawn every second.
      const latest = new Map<string, StatsResponse>();
      for (const t of targets) void api.containerStatsStream(t, (s) => latest.set(t, s)).catch(() => latest.delete(t));
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        out(`\x1b[2J\x1b[H${render(latest)}`);
      }
    });
}
