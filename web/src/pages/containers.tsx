import { useEffect, useState } from 'preact/hooks';
import { stream } from '../api';
import { Actions } from '../components/actions';
import { ErrorNote } from '../components/error';
import { bytes, percent, shortId, since } from '../format';
import { usePoll } from '../hooks';
import type { ContainerRow, EventRow } from '../../../src/ui/types/dashboard';

export function StateBadge({ state }: { state: string }) {
  return (
    <span class={`state state-${state}`} data-state={state}>
      {state}
    </span>
  );
}

export function ContainersPage() {
  const { data, error, reload } = usePoll<ContainerRow[]>('/containers', 2000);
  const [filter, setFilter] = useState('');
  // Lifecycle events refresh the table at once, between the polls.
  useEffect(() => stream<EventRow>('/events', 'event', (e) => e.type === 'container' && !e.action.startsWith('exec_') && reload()), []);
  const f = filter.toLowerCase();
  const rows = (data ?? []).filter((c) => !f || `${c.name} ${c.image} ${c.state} ${c.id}`.toLowerCase().includes(f));
  return (
    <section>
      <h1>Containers</h1>
      <input class="filter" placeholder="Filter by name, image, state…" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      <ErrorNote error={error} />
      <table class="containers">
        <thead>
          <tr>
            <th>Name</th>
            <th>Image</th>
            <th>State</th>
            <th>Health</th>
            <th>Ports</th>
            <th>CPU</th>
            <th>Memory</th>
            <th>Uptime</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} data-container={c.name}>
              <td>
                <a href={`#/containers/${c.id}`}>{c.name}</a> <small>{shortId(c.id)}</small>
              </td>
              <td>{c.image}</td>
              <td>
                <StateBadge state={c.state} /> <small>{c.status}</small>
              </td>
              <td>{c.health || '—'}</td>
              <td>
                {c.ports.map((p) => (
                  <a href={`http://${p.hostIp === '0.0.0.0' || p.hostIp === '' ? location.hostname : p.hostIp}:${p.hostPort}`} target="_blank" rel="noreferrer">
                    {p.hostPort}→{p.containerPort}/{p.protocol}{' '}
                  </a>
                ))}
              </td>
              <td>{percent(c.cpuPercent)}</td>
              <td>{c.memoryBytes === null ? '—' : `${bytes(c.memoryBytes)}${c.memoryLimitBytes ? ` / ${bytes(c.memoryLimitBytes)}` : ''}`}</td>
              <td>{c.state === 'running' || c.state === 'paused' ? since(c.startedAt) : '—'}</td>
              <td>
                <Actions c={c} onDone={reload} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && rows.length === 0 && <p class="empty">No containers{filter ? ' match the filter' : ''}.</p>}
    </section>
  );
}
