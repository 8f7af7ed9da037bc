import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord } from '../../core/containers.js';
import { isKind } from '../../lib/errdefs.js';
import type { Volume, VolumeDriver } from '../../core/volumes.js';
import { EventBus } from '../events.js';
import type { VolumeDeps } from './deps.js';
import { createAnonymousVolume, createVolume, listVolumes, pruneVolumes, removeVolume } from './volumes.js';

/** An in-memory driver: the use cases' rules are what is under test here, not the disk. */
function fakeDriver(): VolumeDriver {
  const vols = new Map<string, Volume>();
  return {
    name: 'local',
    async create(name, opts = {}) {
      const v = vols.get(name) ?? {
        Name: name,
        Driver: 'local',
        Mountpoint: `/v/${name}/_data`,
        CreatedAt: '2026-01-01T00:00:00Z',
        Labels: opts.labels ?? null,
        Options: opts.options ?? null,
        Scope: 'local' as const,
      };
      vols.set(name, v);
      return v;
    },
    get: (name) => vols.get(name),
    list: () => [...vols.values()],
    mount: async (name) => `/v/${name}/_data`,
    async remove(name) {
      vols.delete(name);
    },
    size: async () => 10,
  };
}

function setup(): { deps: VolumeDeps; containers: ContainerRecord[] } {
  const containers: ContainerRecord[] = [];
  return { deps: { driver: fakeDriver(), containers: { all: () => containers }, events: new EventBus() }, containers };
}

const user = (name: string): ContainerRecord =>
  ({
    Id: 'c'.repeat(64),
    MountPoints: [{ Type: 'volume', Name: name, Source: '', Destination: '/d', Mode: 'z', RW: true, Propagation: '' }],
  }) as ContainerRecord;

test('a volume in use cannot be removed (409, Docker message); force ignores a missing one', async () => {
  const { deps, containers } = setup();
  await createVolume(deps, { Name: 'pg' });
  containers.push(user('pg'));
  await assert.rejects(removeVolume(deps, 'pg'), (e) => isKind(e, 'Conflict') && e.message === `remove pg: volume is in use - [${'c'.repeat(64)}]`);
  await removeVolume(deps, 'nope', { force: true });
  await assert.rejects(createVolume(deps, { Name: 'x', Driver: 'nfs' }), (e) => isKind(e, 'InvalidArgument'));
});

test('ls filters: dangling, name regexp, label; prune: anonymous only unless all', async () => {
  const { deps, containers } = setup();
  await createVolume(deps, { Name: 'used' });
  await createVolume(deps, { Name: 'free', Labels: { a: 'b' } });
  const anon = await createAnonymousVolume(deps);
  containers.push(user('used'));
  const names = (f: Record<string, string[]>): string[] => listVolumes(deps, new Map(Object.entries(f))).map((v) => v.Name);
  assert.deepEqual(names({ dangling: ['true'] }), [anon.Name, 'free']);
  assert.deepEqual(names({ dangling: ['false'] }), ['used']);
  assert.deepEqual(names({ name: ['^fr'] }), ['free']);
  assert.deepEqual(names({ label: ['a=b'] }), ['free']);
  assert.deepEqual(await pruneVolumes(deps, new Map()), { VolumesDeleted: [anon.Name], SpaceReclaimed: 10 });
  assert.deepEqual((await pruneVolumes(deps, new Map([['all', ['true']]]))).VolumesDeleted, ['free']);
});
