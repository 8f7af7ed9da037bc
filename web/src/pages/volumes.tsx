import { ErrorNote } from '../components/error';
import { usePoll } from '../hooks';
import type { VolumeRow } from '../../../src/ui/types/dashboard';

export function VolumesPage() {
  const { data, error } = usePoll<VolumeRow[]>('/volumes', 5000);
  return (
    <section>
      <h1>Volumes</h1>
      <ErrorNote error={error} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Driver</th>
            <th>Used by</th>
            <th>Mount point</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {data?.map((v) => (
            <tr>
              <td>{v.name}</td>
              <td>{v.driver}</td>
              <td>{v.containers.join(', ') || '—'}</td>
              <td>
                <code>{v.mountpoint}</code>
              </td>
              <td>{v.created}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.length === 0 && <p class="empty">No volumes.</p>}
    </section>
  );
}
