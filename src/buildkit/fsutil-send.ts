import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { walkTree } from '../lib/fs/walk.js';
import { goMode, type FileKind } from './fsutil-mode.js';
import type { Packet, PacketConn, Stat } from './fsutil-receive.js';

/** The size of a DATA packet (fsutil's sender uses 32 KiB buffers). */
const CHUNK = 32 * 1024;

/** A connection berthd sends on: `drain` waits until what was sent has left for the wire (backpressure). */
export interface SendConn extends PacketConn {
  drain(): Promise<void>;
}

/**
 * The sending side of fsutil's DiffCopy (what BuildKit runs for the `local` exporter, on the
 * client's `FileSend.DiffCopy`): one STAT packet per path of `root` in fsutil's walk order
 * (depth-first, names in byte order, parents first; a STAT's number is its place in that order),
 * then an empty STAT; the receiver asks for regular files with REQ and gets DATA packets with the
 * REQ's number, an empty one ending the file; a further hard link to a file goes as a STAT whose
 * linkname is the first path (as fsutil sends it). The receiver's FIN is answered with FIN and ends the
 * exchange. Devices, FIFOs and sockets are not sent (a build result has none worth exporting).
 * `root` must not change meanwhile (berthd's own mount of a build result). Returns the bytes sent.
 */
export async function sendTree(conn: SendConn, root: string): Promise<number> {
  const files = new Map<number, string>();
  const linked = new Map<string, string>();
  let statsDone = false;
  let bytes = 0;
  const requests: number[] = [];
  let wake: (() => void) | undefined;
  const walk = (async () => {
    let id = 0;
    for await (const e of walkTree(root)) {
      const kind: FileKind = e.st.isDirectory() ? 'dir' : e.st.isSymbolicLink() ? 'symlink' : e.st.isFile() ? 'file' : 'other';
      if (kind === 'other') continue;
      const stat: Stat = {
        path: e.rel,
        mode: goMode(kind, e.st.mode & 0o7777),
        uid: e.st.uid,
        gid: e.st.gid,
        size: kind === 'file' ? e.st.size : 0,
        modTime: Math.floor(e.st.mtimeMs) * 1e6,
        linkname: kind === 'symlink' ? await readlink(e.path) : '',
      };
      if (kind === 'file' && e.st.nlink > 1) {
        // A hard link to a file sent earlier goes as that path: the receiver links it, never asks for its content.
        const key = `${e.st.dev}:${e.st.ino}`;
        const first = linked.get(key);
        if (first !== undefined) stat.linkname = first;
        else linked.set(key, e.rel);
      }
      if (kind === 'file' && stat.linkname === '') files.set(id, e.rel);
      id++;
      conn.send({ type: 'PACKET_STAT', stat });
      await conn.drain();
    }
    conn.send({ type: 'PACKET_STAT', stat: null });
    statsDone = true;
  })();
  const sendFile = async (id: number): Promise<void> => {
    const rel = files.get(id);
    if (rel === undefined) throw new Error(`fsutil: invalid file request ${id}`);
    const fh = await open(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(CHUNK);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) break;
        bytes += bytesRead;
        conn.send({ type: 'PACKET_DATA', ID: id, data: Buffer.from(buf.subarray(0, bytesRead)) });
        await conn.drain();
      }
    } finally {
      await fh.close();
    }
    conn.send({ type: 'PACKET_DATA', ID: id, data: Buffer.alloc(0) });
  };
  // Requests are served one at a time, in order, beside the walk (the receiver asks as STATs arrive).
  let finished = false;
  const serve = (async () => {
    for (;;) {
      const id = requests.shift();
      if (id !== undefined) {
        await sendFile(id);
        continue;
      }
      if (finished) return;
      await new Promise<void>((r) => (wake = r));
    }
  })();
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // A failure on berthd's side is told to the receiver (which then ends the stream) and is the error reported.
  let failure: Error | undefined;
  const tell = (err: Error): void => {
    if (failure) return;
    failure = err;
    conn.send({ type: 'PACKET_ERR', data: Buffer.from(err.message) });
  };
  walk.catch(tell);
  serve.catch(tell);
  try {
    for (;;) {
      const p: Packet | undefined = await conn.recv().catch((err: Error) => {
        throw failure ?? err;
      });
      if (failure) throw failure;
      if (p === undefined) throw new Error('fsutil: the receiver closed the stream early');
      if (p.type === 'PACKET_ERR') throw new Error(`error from receiver: ${p.data?.toString() ?? ''}`);
      if (p.type === 'PACKET_REQ') {
        requests.push(p.ID ?? 0);
        notify();
      } else if (p.type === 'PACKET_FIN') break;
    }
    finished = true;
    notify();
    await Promise.all([walk, serve]);
    if (!statsDone) throw new Error('fsutil: the receiver finished before the tree was sent');
    conn.send({ type: 'PACKET_FIN' });
    return bytes;
  } finally {
    finished = true;
    notify();
    await Promise.allSettled([walk, serve]);
  }
}
