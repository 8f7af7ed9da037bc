import { performance } from 'node:perf_hooks';
import { logTiming, phaseTimingsEnabled } from '../lib/phase-timer.js';
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
  /** A packet that has already arrived, if any (no wait; thousands of STAT packets come in bursts). */
  take?(): Packet | undefined;
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
  /** The whole stat as sent (Go mode, owner, size, mtime in ns, link): equal means unchanged, as fsutil compares. */
  fingerprint: string;
  /** A regular file the receiver already has (`have`): its content was not asked for. */
  unchanged?: true;
}

/**
 * Where the received tree goes, one entry at a time in the sender's (walk) order; `content` only
 * for regular files not `unchanged`. A sink with nothing to wait for returns nothing (no promise
 * per entry: a context is often thousands of entries).
 */
export type TreeSink = (entry: ReceivedEntry, content?: AsyncIterable<Buffer>) => Promise<void> | void;

/** How much file content may be asked for ahead of the file being written (bytes, files). */
const WINDOW_BYTES = 8 * 1024 * 1024;
const WINDOW_FILES = 128;

/**
 * The receiving side of fsutil's DiffCopy (what BuildKit runs for a `local` source): the sender
 * (the docker CLI) walks its directory and sends one STAT packet per path, numbered by their order,
 * then an empty STAT; the receiver asks for each regular file's content with REQ (the STAT's
 * number), and the sender answers DATA packets with that number, an empty one ending the file
 * (its workers answer several REQs at once, interleaved). FIN from the receiver ends the exchange;
 * the sender answers FIN. Entries reach `sink` in walk order. Small files are asked for ahead, up
 * to a window, and held until their turn (a context of many small files costs no round trip per
 * file); a file larger than the window is asked for alone and streamed, never held whole.
 * A file `have` says the receiver already has (same stat as last time: BuildKit's incremental
 * local source) is not asked for at all and reaches `sink` marked `unchanged`, without content.
 */
export async function receiveTree(conn: PacketConn, sink: TreeSink, have?: (e: ReceivedEntry) => boolean): Promise<void> {
  const entries: Array<{ id: number; entry: ReceivedEntry }> = [];
  const t0 = performance.now();
  // With timings on: how busy the event loop and the process were while the stats came (is berthd the pace-setter, or the sender?).
  const elu0 = phaseTimingsEnabled() ? performance.eventLoopUtilization() : undefined;
  const cpu0 = elu0 === undefined ? undefined : process.cpuUsage();
  let waits = 0;
  for (let id = 0; ; id++) {
    let p = conn.take?.();
    if (p === undefined) {
      waits++;
      p = await recvOrFail(conn);
    } else if (p.type === 'PACKET_ERR') throw senderError(p);
    if (p.type !== 'PACKET_STAT') throw new Error(`fsutil: unexpected ${p.type} packet while receiving stats`);
    if (!p.stat) break;
    const entry = entryOf(p.stat);
    if (entry.kind === 'file' && have?.(entry) === true) entry.unchanged = true;
    entries.push({ id, entry });
  }
  if (elu0 !== undefined) {
    const busy = performance.eventLoopUtilization(elu0).utilization;
    const cpu = process.cpuUsage(cpu0);
    logTiming(
      `fsutil: ${entries.length} stats (${waits} waits, event loop ${(busy * 100).toFixed(0)}% busy, ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU)`,
      t0,
    );
  }
  const files = entries.filter((e) => e.entry.kind === 'file' && e.entry.unchanged !== true);
  const held = new Map<number, { chunks: Buffer[]; done: boolean }>();
  let asked = 0; // files[0..asked) have been asked for
  let heldBytes = 0;
  let streaming = false; // a large file is asked for alone
  const askMore = (): void => {
    while (asked < files.length && !streaming) {
      const f = files[asked]!;
      const large = f.entry.size > WINDOW_BYTES;
      if (held.size > 0 && (large || held.size >= WINDOW_FILES || heldBytes + f.entry.size > WINDOW_BYTES)) return;
      conn.send({ type: 'PACKET_REQ', ID: f.id });
      asked++;
      if (large) streaming = true;
      else {
        held.set(f.id, { chunks: [], done: false });
        heldBytes += f.entry.size;
      }
    }
  };
  /** Reads one DATA packet into what is held; returns it (for the streamed file, which is not held). */
  const readData = async (): Promise<Packet> => {
    const p = await recvOrFail(conn);
    if (p.type !== 'PACKET_DATA') throw new Error(`fsutil: unexpected ${p.type} packet while receiving file contents`);
    const h = held.get(p.ID ?? 0);
    if (h !== undefined) {
      if (h.done) throw new Error(`fsutil: data after the end of file ${p.ID ?? 0}`);
      if (!p.data || p.data.length === 0) h.done = true;
      else h.chunks.push(p.data);
    } else if (!streaming) throw new Error(`fsutil: data for file ${p.ID ?? 0}, which was not asked for`);
    return p;
  };
  for (const { id, entry } of entries) {
    if (entry.kind !== 'file' || entry.unchanged === true) {
      const done = sink(entry);
      if (done !== undefined) await done;
      continue;
    }
    askMore();
    const h = held.get(id);
    if (h !== undefined) {
      while (!h.done) await readData();
      held.delete(id);
      heldBytes -= entry.size;
      askMore();
      await sink(
        entry,
        (async function* () {
          yield* h.chunks;
        })(),
      );
      continue;
    }
    // The large file, alone on the wire.
    let ended = false;
    const content = async function* (): AsyncGenerator<Buffer> {
      for (;;) {
        const p = await readData();
        if (p.ID !== id) throw new Error(`fsutil: data for file ${p.ID ?? 0} while receiving ${entry.path}`);
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
    streaming = false;
  }
  conn.send({ type: 'PACKET_FIN' });
  for (;;) {
    const p = await conn.recv();
    if (p === undefined || p.type === 'PACKET_FIN') return logTiming('fsutil: DiffCopy', t0);
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

/** An empty, `.` or `..` component, or none at all: the path needs cleaning (or is refused). */
const UNCLEAN = /(?:^|\/)\.{0,2}(?:\/|$)/;

function entryOf(st: Stat): ReceivedEntry {
  let path = st.path;
  if (UNCLEAN.test(path)) {
    path = path
      .split('/')
      .filter((s) => s !== '' && s !== '.')
      .join('/');
    if (path === '' || path.split('/').includes('..')) throw new Error(`fsutil: invalid path ${JSON.stringify(st.path)}`);
  }
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
    fingerprint: `${st.mode}:${st.uid ?? 0}:${st.gid ?? 0}:${Number(st.size ?? 0)}:${Number(st.modTime ?? 0)}:${linkname}`,
  };
}
