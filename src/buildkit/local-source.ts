import type { MethodDefinition } from '@grpc/proto-loader';
import type { BuildContext } from '../builder/context-index.js';
import type { KeptContexts } from '../builder/kept-contexts.js';
import type { Session } from './sessions.js';
import { buildkitProtos } from './protos.js';
import { openStream } from './session-call.js';
import { receiveTree, type Packet, type PacketConn, type ReceivedEntry, type TreeSink } from './fsutil-receive.js';
import { decodePacket } from './fsutil-wire.js';

const DIFF_COPY = '/moby.filesync.v1.FileSync/DiffCopy';

/** What to fetch of one directory the client shares (`context`, `dockerfile`): fsutil's filters, applied by the sender. */
export interface LocalRequest {
  dir: string;
  includePatterns?: string[];
  excludePatterns?: string[];
  followPaths?: string[];
}

/**
 * Fetches a directory the client shares on its session (BuildKit's `local` source): one
 * `FileSync.DiffCopy` call, named by the `dir-name` metadata, with fsutil's include/exclude
 * patterns (the sender filters, so excluded files never cross), received entry by entry into `sink`.
 */
export async function fetchLocal(session: Session, req: LocalRequest, sink: TreeSink, have?: (e: ReceivedEntry) => boolean): Promise<void> {
  if (!session.methods.has(DIFF_COPY)) throw new Error(`the client's session does not expose ${DIFF_COPY}`);
  const md: Record<string, string | string[]> = { 'dir-name': req.dir };
  if (req.includePatterns?.length) md['include-patterns'] = req.includePatterns;
  if (req.excludePatterns?.length) md['exclude-patterns'] = req.excludePatterns;
  if (req.followPaths?.length) md['followpaths'] = req.followPaths;
  const method = { ...(buildkitProtos().method(DIFF_COPY) as MethodDefinition<Packet, Packet>), responseDeserialize: decodePacket };
  const call = openStream<Packet, Packet>(session.h2, method, md);
  const conn: PacketConn = { send: (p) => call.send(p), recv: () => call.recv(), take: () => call.take() };
  try {
    await receiveTree(conn, sink, have);
    call.end();
  } catch (err) {
    call.cancel();
    throw err;
  }
}

/** Small files of a shared directory (the Dockerfile, ignore files) read whole into memory. */
export async function fetchFiles(session: Session, dir: string, names: string[]): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await fetchLocal(session, { dir, includePatterns: names, followPaths: names }, async (e, content) => {
    if (content === undefined) return;
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(c);
    files.set(e.path, Buffer.concat(chunks));
  });
  return files;
}

/**
 * The build context as BuildKit's local source receives it: into the context kept for the
 * session's shared key and this directory (`builder/kept-contexts.ts`), so only files whose stat
 * changed since the last build cross again. `received` counts the bytes that did.
 */
export async function fetchContext(session: Session, req: LocalRequest, kept: KeptContexts): Promise<{ context: BuildContext; received: number }> {
  let received = 0;
  const key = `${session.sharedKey || session.name}:${req.dir}`;
  const context = await kept.receive(key, (rx) =>
    fetchLocal(
      session,
      req,
      (e, content) => {
        if (e.kind === 'other') return; // devices, fifos, sockets: the classic builder's context has none either
        const counted = content === undefined ? undefined : counting(content, (n) => (received += n));
        return rx.add({ path: e.path, kind: e.kind, mode: e.perm, mtime: e.mtime, size: e.size, linkname: e.linkname, fingerprint: e.fingerprint }, counted);
      },
      (e) => rx.unchanged(e),
    ),
  );
  return { context, received };
}

async function* counting(chunks: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    add(c.length);
    yield c;
  }
}
