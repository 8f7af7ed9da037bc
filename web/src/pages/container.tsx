import { useEffect, useState } from 'preact/hooks';
import { stream } from '../api';
import { Actions } from '../components/actions';
import { ErrorNote } from '../components/error';
import { Logs } from '../components/logs';
import { StatsCharts } from '../components/stats';
import { Terminal } from '../components/terminal';
import { Top } from '../components/top';
import { Diff } from '../components/diff';
import { shortId, since } from '../format';
import { usePoll } from '../hooks';
import type { ContainerDetail, EventRow } from '../../../src/ui/types/dashboard';
import { StateBadge } from './containers';

const TABS = [
  ['summary', 'Summary'],
  ['logs', 'Logs'],
  ['stats', 'Stats'],
  ['top', 'Processes'],
  ['terminal', 'Terminal'],
  ['diff', 'Changes'],
] as const;

export function ContainerPage({ id, tab }: { id: string; tab: string }) {
  const { data: c, error, reload } = usePoll<ContainerDetail>(`/containers/${encodeURIComponent(id)}`, 2000);
  const [removed, setRemoved] = useState(false);
  useEffect(
    () =>
      stream<EventRow>('/events', 'event', (e) => {
        if (e.type !== 'container' || (e.id !== id && e.id !== c?.id && e.attributes.name !== id)) return;
        if (e.action === 'destroy') setRemoved(true);
        else if (!e.action.startsWith('exec_')) reload();
      }),
    [id, c?.id],
  );
  // A 404 while the page is open: the container was removed (by us, the CLI or --rm).
  if (removed || error?.status === 404) {
    return (
      <section>
        <h1>{c?.name ?? id}</h1>
        <p class="removed" data-testid="removed">
          This container was removed. <a href="#/containers">Back to containers</a>
        </p>
      </section>
    );
  }
  if (!c)
    return (
      <section>
        <ErrorNote error={error} />
        <p>Loading…</p>
      </section>
    );
  const live = c.state === 'running' || c.state === 'paused';
  return (
    <section>
      <h1>
        {c.name} <small>{shortId(c.id)}</small> <StateBadge state={c.state} />
      </h1>
      <p class="status">
        {c.status} · {c.image}
      </p>
      <Actions c={c} onDone={(gone) => (gone ? setRemoved(true) : reload())} />
      <ErrorNote error={error} />
      <nav class="tabs">
        {TABS.map(([key, label]) => (
          <a href={`#/containers/${id}/${key}`} class={tab === key ? 'active' : ''}>
            {label}
          </a>
        ))}
      </nav>
      {tab === 'summary' && <Summary c={c} />}
      {tab === 'logs' && <Logs id={c.id} live={live} />}
      {tab === 'stats' && (live ? <StatsCharts id={c.id} /> : <p class="empty">Not running.</p>)}
      {tab === 'top' && (live ? <Top id={c.id} /> : <p class="empty">Not running.</p>)}
      {tab === 'terminal' && (c.state === 'running' ? <Terminal id={c.id} /> : <p class="empty">The container is not running.</p>)}
      {tab === 'diff' && <Diff id={c.id} />}
    </section>
  );
}

function Summary({ c }: { c: ContainerDetail }) {
  const rows: Array<[string, preact.ComponentChildren]> = [
    ['ID', c.id],
    ['Image', c.image],
    ['Command', <code>{c.command}</code>],
    ['Created', c.created],
    ['Started', c.startedAt ? `${c.startedAt} (up ${since(c.startedAt)})` : '—'],
    ['Finished', c.finishedAt || '—'],
    ['Exit code', c.state === 'exited' ? String(c.exitCode) : '—'],
    ['Error', c.error || '—'],
    ['Restart policy', `${c.restartPolicy} (restarted ${c.restartCount}×)`],
    ['TTY', c.tty ? 'yes' : 'no'],
    ['Health', c.health || '—'],
    ['Ports', c.ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}→${p.containerPort}/${p.protocol}`).join(', ') || '—'],
    ['Networks', c.networks.map((n) => `${n.name} ${n.ipAddress}`).join(', ') || '—'],
    ['Mounts', c.mounts.map((m) => `${m.type} ${m.source} → ${m.destination}${m.rw ? '' : ' (ro)'}`).join('; ') || '—'],
    ['Env', c.env.length > 0 ? <pre>{c.env.join('\n')}</pre> : '—'],
    [
      'Labels',
      Object.entries(c.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '—',
    ],
  ];
  return (
    <table class="summary">
      <tbody>
        {rows.map(([k, v]) => (
          <tr>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
