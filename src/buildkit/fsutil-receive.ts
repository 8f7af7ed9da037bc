import { kindOfMode, unixPerm, type FileKind } from './fsutil-mode.js';

/** fsutil's packet (types/wire.proto) as the proto loader gives it (enums as names). */
export interface Packet {
  type: 'PACKET_STAT' | 'PACKET_REQ' | 'PACKET_DATA' | 'PACKET_FIN' | 'PACKET_ERR';
  stat?: Stat | null;
  ID?: number;
  data?: Buffer;
}

export interface Stat {
  path: string;
  mode: number;
  uid?: number;
  gid?: number;
  size?: number;
  modTime?: number;
  linkname?: string;
}

/** Both directions of one DiffCopy stream. `recv` resolves undefined at the end of the stream. */
export interface PacketConn {
  send(p: Packet): void;
  recv(): Promise<Packet | undefined>;
}

/** One path of the tree as the sender described it. `hardlink`: a regular file that is a link to an earlier path. */
export interface ReceivedEntry {
  path: string;
  kind: FileKind | 'hardlink';
  /** Unix permission bits. */
  perm: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  /** symlink target, or the hard link's first path. */
  linkname: string;
}

/** Where the received tree goes, one entry at a time in the sender's (walk) order; `content` only for regular files. */
export type TreeSink = (entry: ReceivedEntry, content?: AsyncIterable<Buffer>) => Promise<void>;

/**
 * The receiving side of fsutil's DiffCopy (what BuildKit runs for a `local` source): the sender
 * (the docker CLI) walks its directory and sends one STAT packet per path, numbered by their order,
 * then an empty STAT; the receiver asks for each regular file's content with REQ (the STAT's
 * number), and the sender answers DATA packets with that number, an empty one ending the file.
 * FIN from the receiver ends the exchange; the sender answers FIN. Files are asked for one at a
 * time, so their content reaches `sink` in order and is never held whole in memory.
 */
export async function receiveTree(conn: PacketConn, sink: TreeSink): Promise<void> {
  const entries: Array<{ id: number; entry: ReceivedEntry }> = [];
  for (let id = 0; ; id++) {
    const p = await recvOrFail(conn);
    if (p.type !== 'PACKET_STAT') throw new Error(`fsutil: unexpected ${p.type} packet while receiving stats`);
    if (!p.stat) break;
    entries.push({ id, entry: entryOf(p.stat) });
  }
  for (const { id, entry } of entries) {
    if (entry.kind !== 'file') {
      await sink(entry);
      continue;
    }
    conn.send({ type: 'PACKET_REQ', ID: id });
    let ended = false;
    const content = async function* (): AsyncGenerator<Buffer> {
      for (;;) {
        const p = await recvOrFail(conn);
        if (p.type !== 'PACKET_DATA' || p.ID !== id) throw new Error(`fsutil: unexpected ${p.type} packet (id ${p.ID ?? 0}) while receiving ${entry.path}`);
        if (!p.data || p.data.length === 0) {
          ended = true;
          return;
        }
        yield p.data;
      }
    };
    await sink(entry, content());
    // A sink that stopped reading early (it must not) would leave DATA packets in the way.
    if (!ended) throw new Error(`fsutil: the content of ${entry.path} was not read to its end`);
  }
  conn.send({ type: 'PACKET_FIN' });
  for (;;) {
    const p = await conn.recv();
    if (p === undefined || p.type === 'PACKET_FIN') return;
    if (p.type === 'PACKET_ERR') throw senderError(p);
  }
}

async function recvOrFail(conn: PacketConn): Promise<Packet> {
  const p = await conn.recv();
  if (p === undefined) throw new Error('fsutil: the sender closed the stream early');
  if (p.type === 'PACKET_ERR') throw senderError(p);
  return p;
}

const senderError = (p: Packet): Error => new Error(`error from sender: ${p.data?.toString() ?? ''}`);

function entryOf(st: Stat): ReceivedEntry {
  const path = st.path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
  if (path === '' || path.split('/').includes('..')) throw new Error(`fsutil: invalid path ${JSON.stringify(st.path)}`);
  const kind = kindOfMode(st.mode);
  const linkname = st.linkname ?? '';
  return {
    path,
    kind: kind === 'file' && linkname !== '' ? 'hardlink' : kind,
    perm: unixPerm(st.mode),
    uid: st.uid ?? 0,
    gid: st.gid ?? 0,
    size: kind === 'file' && linkname === '' ? Number(st.size ?? 0) : 0,
    mtime: new Date(Math.floor(Number(st.modTime ?? 0) / 1e6)),
    linkname,
  };
}
