import { ErrorNote } from './error';
import { usePoll } from '../hooks';
import type { TopResponse } from '../../../src/ui/types/dashboard';

export function Top({ id }: { id: string }) {
  const { data, error } = usePoll<TopResponse>(`/containers/${id}/top`, 3000);
  return (
    <div>
      <ErrorNote error={error} />
      {data && (
        <table class="top">
          <thead>
            <tr>
              {data.titles.map((t) => (
                <th>{t}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.processes.map((p) => (
              <tr>
                {p.map((f) => (
                  <td>{f}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
