import { useEffect, useRef, useState } from 'preact/hooks';
import { stream } from '../api';
import type { LogLine } from '../../../src/ui/types/dashboard';

const MAX = 5000;

/** A line as text: without its line ending and a TTY's colour/cursor escapes. */
const display = (text: string): string =>
  text
    .replace(/\r?\n$/, '')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r/g, '');

/** The container's log, live: stdout/stderr colours, timestamps, search, follow (keep scrolled to the end). */
export function Logs({ id, live }: { id: string; live: boolean }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [search, setSearch] = useState('');
  const [timestamps, setTimestamps] = useState(false);
  const [follow, setFollow] = useState(true);
  const [ended, setEnded] = useState(false);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    setLines([]);
    setEnded(false);
    let batch: LogLine[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      const add = batch;
      batch = [];
      setLines((old) => [...old, ...add].slice(-MAX));
    };
    const close = stream<LogLine>(
      `/containers/${id}/logs?follow=${live ? 1 : 0}&tail=1000`,
      'log',
      (l) => {
        batch.push(l);
        timer ??= setTimeout(flush, 50);
      },
      () => setEnded(true),
    );
    return () => {
      close();
      if (timer) clearTimeout(timer);
    };
  }, [id, live]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  const q = search.toLowerCase();
  const shown = q ? lines.filter((l) => l.text.toLowerCase().includes(q)) : lines;
  return (
    <div class="logs">
      <div class="toolbar">
        <input placeholder="Search the log…" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        <label>
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps((e.target as HTMLInputElement).checked)} /> timestamps
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> follow
        </label>
        <span class="muted">
          {shown.length} lines{ended ? ' · ended' : ''}
        </span>
      </div>
      <pre class="log" ref={box} data-testid="log">
        {shown.map((l) => (
          <div class={l.stream}>
            {timestamps && <span class="ts">{l.time} </span>}
            {display(l.text)}
          </div>
        ))}
      </pre>
    </div>
  );
}
