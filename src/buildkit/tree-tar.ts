import { pack as tarPack, type Pack } from 'tar-stream';
import type { ReceivedEntry, TreeSink } from './fsutil-receive.js';

/**
 * A received tree as a tar stream (what the classic builder's context reader takes): `sink`
 * writes each entry as it arrives; `end` closes the archive, `fail` aborts it.
 */
export function treeToTar(): { tar: Pack; sink: TreeSink; end(): void; fail(err: Error): void; bytes(): number } {
  const tar = tarPack();
  let total = 0;
  const sink: TreeSink = async (e: ReceivedEntry, content?: AsyncIterable<Buffer>) => {
    const base = { name: e.path, mode: e.perm, uid: e.uid, gid: e.gid, mtime: e.mtime };
    if (e.kind === 'dir') return void tar.entry({ ...base, type: 'directory' });
    if (e.kind === 'symlink') return void tar.entry({ ...base, type: 'symlink', linkname: e.linkname });
    if (e.kind === 'hardlink') return void tar.entry({ ...base, type: 'link', linkname: e.linkname });
    if (e.kind !== 'file') return; // devices, fifos, sockets: the classic builder's context has none either
    await new Promise<void>((resolve, reject) => {
      const w = tar.entry({ ...base, type: 'file', size: e.size }, (err) => (err ? reject(err) : resolve()));
      void (async () => {
        for await (const chunk of content ?? []) {
          total += chunk.length;
          if (!w.write(chunk)) await new Promise((r) => w.once('drain', r));
        }
        w.end();
      })().catch((err: Error) => {
        w.destroy(err);
        reject(err);
      });
    });
  };
  return { tar, sink, end: () => tar.finalize(), fail: (err) => tar.destroy(err), bytes: () => total };
}
