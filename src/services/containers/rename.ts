import { publishContainerEvent } from './events.js';
import { invalidArgument } from '../../lib/errdefs.js';
import type { ContainerDeps } from './deps.js';
import { followLinkedName } from './link-names.js';

/** `rename`: Docker's checks and messages; the name is claimed atomically in the store. */
export async function renameContainer(deps: Pick<ContainerDeps, 'store' | 'locks' | 'events'>, ref: string, newName: string): Promise<void> {
  const name = newName.replace(/^\//, '');
  if (name === '') throw invalidArgument('Neither old nor new names may be empty');
  const rec = deps.store.get(ref);
  if (rec.Name === name) throw invalidArgument('Renaming a container with the same name as its current name');
  const oldName = rec.Name;
  await deps.locks.run(rec.Id, () => deps.store.rename(rec, name));
  await followLinkedName(deps, { from: oldName, to: name });
  publishContainerEvent(deps.events, rec, 'rename', { oldName: `/${oldName}` });
}
