import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { stream } from '../api';
import { bytes } from '../format';
import type { StatsPoint } from '../../../src/ui/types/dashboard';

const WINDOW = 120; // points (seconds) kept

interface ChartSpec {
  title: string;
  series: Array<{ label: string; stroke: string }>;
  /** Values for one point; rates are computed from the previous point's totals. */
  values(p: StatsPoint, prev: StatsPoint | undefined): Array<number | null>;
  fmt(v: number): string;
}

const rate = (cur: number, prev: number | undefined, dt: number): number | null => (prev === undefined || dt <= 0 ? null : Math.max(0, (cur - prev) / dt));

const CHARTS: ChartSpec[] = [
  { title: 'CPU %', series: [{ label: 'cpu', stroke: '#4f8ef7' }], values: (p) => [p.cpuPercent], fmt: (v) => `${v.toFixed(v < 1 ? 2 : 1)}%` },
  { title: 'Memory', series: [{ label: 'usage', stroke: '#e0883a' }], values: (p) => [p.memoryBytes], fmt: bytes },
  {
    title: 'Network (per second)',
    series: [
      { label: 'rx', stroke: '#3aa86b' },
      { label: 'tx', stroke: '#b04fd1' },
    ],
    values: (p, q) => [
      rate(p.netRxBytes, q?.netRxBytes, q ? (p.time - q.time) / 1000 : 0),
      rate(p.netTxBytes, q?.netTxBytes, q ? (p.time - q.time) / 1000 : 0),
    ],
    fmt: (v) => `${bytes(v)}/s`,
  },
  {
    title: 'Block I/O (per second)',
    series: [
      { label: 'read', stroke: '#3a8fa8' },
      { label: 'write', stroke: '#d14f4f' },
    ],
    values: (p, q) => [
      rate(p.blockReadBytes, q?.blockReadBytes, q ? (p.time - q.time) / 1000 : 0),
      rate(p.blockWriteBytes, q?.blockWriteBytes, q ? (p.time - q.time) / 1000 : 0),
    ],
    fmt: (v) => `${bytes(v)}/s`,
  },
];

/** Live CPU, memory, network and block charts from the container's stats stream. */
export function StatsCharts({ id }: { id: string }) {
  const boxes = useRef<Array<HTMLDivElement | null>>([]);
  useEffect(() => {
    // uPlot is loaded when the charts are first shown, not with the page.
    let cleanup: (() => void) | undefined;
    let gone = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (!gone) cleanup = draw(UPlot);
    });
    return () => {
      gone = true;
      cleanup?.();
    };
  }, [id]);

  function draw(UPlot: typeof uPlot): () => void {
    const data = CHARTS.map((c) => [[], ...c.series.map(() => [])] as Array<Array<number | null>>);
    const plots = CHARTS.map(
      (c, i) =>
        new UPlot(
          {
            title: c.title,
            width: Math.max(300, (boxes.current[i]?.clientWidth ?? 472) - 12),
            height: 180,
            series: [{}, ...c.series.map((s) => ({ ...s, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '—' : c.fmt(v)) }))],
            axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map(c.fmt), size: 84 }],
          },
          data[i] as uPlot.AlignedData,
          boxes.current[i]!,
        ),
    );
    let prev: StatsPoint | undefined;
    const close = stream<StatsPoint>(`/containers/${id}/stats`, 'stats', (p) => {
      CHARTS.forEach((c, i) => {
        const d = data[i]!;
        d[0]!.push(p.time / 1000);
        c.values(p, prev).forEach((v, j) => d[j + 1]!.push(v));
        for (const col of d) if (col.length > WINDOW) col.shift();
        const plot = plots[i]!;
        plot.setData(d as uPlot.AlignedData);
        // Without a hovering cursor the legend shows the latest reading.
        if (plot.cursor.idx === null || plot.cursor.idx === undefined) plot.setLegend({ idx: d[0]!.length - 1 });
        boxes.current[i]!.dataset.points = String(d[0]!.length);
      });
      prev = p;
    });
    return () => {
      close();
      for (const p of plots) p.destroy();
    };
  }
  return (
    <div class="charts">
      {CHARTS.map((_, i) => (
        <div class="chart" ref={(el) => void (boxes.current[i] = el)} />
      ))}
    </div>
  );
}
