import { ErrorNote } from '../components/error';
import { shortId } from '../format';
import { usePoll } from '../hooks';
import type { NetworkRow } from '../../../src/ui/types/dashboard';

export function NetworksPage() {
  const { data, error } = usePoll<NetworkRow[]>('/networks', 5000);
  return (
    <section>
      <h1>Networks</h1>
      <ErrorNote error={error} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>ID</th>
            <th>Driver</th>
            <th>Subnet</th>
            <th>Gateway</th>
            <th>Containers</th>
          </tr>
        </thead>
        <tbody>
          {data?.map((n) => (
            <tr>
              <td>{n.name}</td>
              <td>{shortId(n.id)}</td>
              <td>{n.driver}</td>
              <td>{n.subnet || '—'}</td>
              <td>{n.gateway || '—'}</td>
              <td>
                {n.containers.map((c) => (
                  <a class="tag" href={`#/containers/${c.id}`}>
                    {c.name} {c.ipv4}
                  </a>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
