import type { ApiError } from '../api';

export function ErrorNote({ error }: { error?: ApiError }) {
  if (!error) return null;
  if (error.status === 401)
    return <p class="error">Unauthorized: open the dashboard's address with ?token=… (the token is in the ui-token file of berthd's exec root).</p>;
  return <p class="error">{error.message}</p>;
}
