import { ErrorNote } from './error';
import { usePoll } from '../hooks';
import type { ChangeRow } from '../../../src/ui/types/dashboard';

export function Diff({ id }: { id: string }) {
  const { data, error, reload } = usePoll<ChangeRow[]>(`/containers/${id}/diff`, 0);
  return (
    <div>
      <button onClick={reload}>refresh</button>
      <ErrorNote error={error} />
      {data && data.length === 0 && <p class="empty">No changes to the image's files.</p>}
      <ul class="diff">
        {data?.map((c) => (
          <li class={`change-${c.kind}`}>
            <b>{c.kind}</b> {c.path}
          </li>
        ))}
      </ul>
    </div>
  );
}
