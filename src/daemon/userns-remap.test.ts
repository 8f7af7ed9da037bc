import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { idMap, nextFreeStart, resolveUsernsRemap, subordinateRanges } from './userns-remap.js';

test('subordinate ranges by name or uid, contiguous container ids over them', () => {
  const text = 'alice:100000:65536\nbob:165536:65536\n1000:300000:10\nalice:400000:100\n';
  assert.deepEqual(subordinateRanges(text, 'alice', 1000), [
    { start: 100000, size: 65536 },
    { start: 300000, size: 10 },
    { start: 400000, size: 100 },
  ]);
  assert.deepEqual(
    idMap([
      { start: 100000, size: 65536 },
      { start: 300000, size: 10 },
    ]),
    [
      { containerID: 0, hostID: 100000, size: 65536 },
      { containerID: 65536, hostID: 300000, size: 10 },
    ],
  );
  assert.equal(nextFreeStart(''), 100000);
  assert.equal(nextFreeStart(text), 400100);
});

test('a named user and group resolve from the files; missing ranges are errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-remap-'));
  try {
    const files = { passwd: join(dir, 'passwd'), group: join(dir, 'group'), subuid: join(dir, 'subuid'), subgid: join(dir, 'subgid') };
    await writeFile(files.passwd, 'root:x:0:0::/root:/bin/sh\nremapper:x:990:985::/:/bin/false\n');
    await writeFile(files.group, 'root:x:0:\nremapper:x:985:\nother:x:984:\n');
    await writeFile(files.subuid, 'remapper:200000:65536\n');
    await writeFile(files.subgid, 'remapper:300000:65536\n');
    const ids = await resolveUsernsRemap('remapper', files);
    assert.equal(ids.key, '200000.300000');
    assert.deepEqual(ids.uids, [{ containerID: 0, hostID: 200000, size: 65536 }]);
    assert.deepEqual((await resolveUsernsRemap('990:985', files)).gids, [{ containerID: 0, hostID: 300000, size: 65536 }]);
    await assert.rejects(resolveUsernsRemap('remapper:other', files), /no subgid ranges found for group "other"/);
    await assert.rejects(resolveUsernsRemap('nobody-here', files), /user "nobody-here" not found/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
