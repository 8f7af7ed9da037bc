import { useState } from 'preact/hooks';
import { call } from '../api';
import type { ContainerRow } from '../../../src/ui/types/dashboard';

/** Start/stop/restart/pause/remove, each after a confirmation; errors are shown beside the buttons. */
export function Actions({ c, onDone }: { c: Pick<ContainerRow, 'id' | 'name' | 'state'>; onDone: (removed?: boolean) => void }) {
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  const running = c.state === 'running';
  const paused = c.state === 'paused';
  const act = async (action: string): Promise<void> => {
    if (!confirm(`${action[0]!.toUpperCase()}${action.slice(1)} container ${c.name}?`)) return;
    setBusy(action);
    setError('');
    try {
      if (action === 'remove') await call('DELETE', `/containers/${c.id}?force=1`);
      else await call('POST', `/containers/${c.id}/${action}`);
      onDone(action === 'remove');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy('');
    }
  };
  const button = (action: string, enabled: boolean) => (
    <button disabled={!enabled || busy !== ''} onClick={() => void act(action)} class={action === 'remove' ? 'danger' : ''}>
      {busy === action ? '…' : action}
    </button>
  );
  return (
    <span class="actions">
      {button('start', !running && !paused)}
      {button('stop', running || paused)}
      {button('restart', running)}
      {paused ? button('unpause', true) : button('pause', running)}
      {button('remove', true)}
      {error && <span class="error">{error}</span>}
    </span>
  );
}
