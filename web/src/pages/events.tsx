import { useEffect, useState } from 'preact/hooks';
import { stream } from '../api';
import { shortId } from '../format';
import type { EventRow } from '../../../src/ui/types/dashboard';

export function EventsPage() {
  const [events, setEvents] = useState<EventRow[]>([]);
  useEffect(() => stream<EventRow>('/events', 'event', (e) => setEvents((old) => [e, ...old].slice(0, 1000))), []);
  return (
    <section>
      <h1>Events</h1>
      <table class="events">
        <thead>
          <tr>
            <th>Time</th>
            <th>Type</th>
            <th>Action</th>
            <th>Actor</th>
            <th>Attributes</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>{new Date(e.time / 1e6).toISOString()}</td>
              <td>{e.type}</td>
              <td>{e.action}</td>
              <td>
                {e.type === 'container' ? <a href={`#/containers/${e.id}`}>{e.attributes.name ?? shortId(e.id)}</a> : (e.attributes.name ?? shortId(e.id))}
              </td>
              <td class="muted">
                {Object.entries(e.attributes)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length === 0 && <p class="empty">Waiting for events…</p>}
    </section>
  );
}
