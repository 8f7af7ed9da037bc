import type { ApiError } from '../api';

export function ErrorNote({ error }: { error?: ApiError }) {
  if (!error) return null;
  if (error.status === 401) return <p class="error">Unauthorized: open the dashboard with the URL berthd printed (…/?token=…).</p>;
  return <p class="error">{error.message}</p>;
}
