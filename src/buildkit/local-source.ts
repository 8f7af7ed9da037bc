import type { Session } from './sessions.js';
import { buildkitProtos } from './protos.js';
import { openStream } from './session-call.js';
import { receiveTree, type Packet, type PacketConn, type TreeSink } from './fsutil-receive.js';

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
export async function fetchLocal(session: Session, req: LocalRequest, sink: TreeSink): Promise<void> {
  if (!session.methods.has(DIFF_COPY)) throw new Error(`the client's session does not expose ${DIFF_COPY}`);
  const md: Record<string, string | string[]> = { 'dir-name': req.dir };
  if (req.includePatterns?.length) md['include-patterns'] = req.includePatterns;
  if (req.excludePatterns?.length) md['exclude-patterns'] = req.excludePatterns;
  if (req.followPaths?.length) md['followpaths'] = req.followPaths;
  const call = openStream<Packet, Packet>(session.h2, buildkitProtos().method(DIFF_COPY) as never, md);
  const conn: PacketConn = { send: (p) => call.send(p), recv: () => call.recv() };
  try {
    await receiveTree(conn, sink);
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
