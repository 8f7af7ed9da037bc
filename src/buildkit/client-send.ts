import type { Readable } from 'node:stream';
import { buildkitProtos } from './protos.js';
import type { Packet } from './fsutil-receive.js';
import { sendTree } from './fsutil-send.js';
import { openStream, type SessionStream } from './session-call.js';
import type { Session } from './sessions.js';

const FILE_SEND = '/moby.filesync.v1.FileSend/DiffCopy';
/** The same method with BytesMessage as its codec (see proto/filesync.proto). */
const FILE_SEND_FILE = '/moby.filesync.v1.FileSendFile/DiffCopy';
/** Which of a Solve's exporters a FileSend call is for (BuildKit 0.13's session/filesync). */
const EXPORTER_ID = 'buildkit-attachable-exporter-id';
/** Metadata of a sent file, prefixed (BuildKit's `exporter-md-`). */
const EXPORTER_MD = 'exporter-md-';
/** The size of one BytesMessage. */
const FILE_CHUNK = 256 * 1024;

function open<M>(session: Session, path: string, md: Record<string, string>): SessionStream<M, M> {
  // The CLI's session lists its methods as registered (`DiffCopy`); BuildKit compares them case-insensitively.
  const exposed = [...session.methods].some((m) => m.toLowerCase() === FILE_SEND.toLowerCase());
  if (!exposed) throw new Error('method /moby.filesync.v1.FileSend/diffcopy not supported by the client');
  const method = { ...buildkitProtos().method(path), path: FILE_SEND };
  return openStream<M, M>(session.h2, method as never, md);
}

/** Ends berthd's side and waits for the client's status: its handler ends the call once the output is written. */
async function finish<M>(call: SessionStream<M, M>): Promise<void> {
  call.end();
  while ((await call.recv()) !== undefined);
}

/**
 * BuildKit's `local` exporter: the directory `root` to the client's FileSend (fsutil's DiffCopy,
 * berthd sending), which writes it under `--output type=local,dest=…`. Returns the bytes sent.
 */
export async function sendDirToClient(session: Session, exporter: number, root: string): Promise<number> {
  const call = open<Packet>(session, FILE_SEND, { [EXPORTER_ID]: String(exporter) });
  try {
    const bytes = await sendTree({ send: (p) => call.send(p), recv: () => call.recv(), drain: () => call.drain() }, root);
    await finish(call);
    return bytes;
  } catch (err) {
    call.cancel();
    throw err;
  }
}

/**
 * BuildKit's file exporters (`tar`, and `docker`/`oci` with a dest): one stream to the client's
 * FileSend as BytesMessages, which the client writes to the dest file. Returns the bytes sent.
 */
export async function sendFileToClient(session: Session, exporter: number, md: Record<string, string>, content: Readable): Promise<number> {
  const meta = Object.fromEntries(Object.entries(md).map(([k, v]) => [EXPORTER_MD + k, v]));
  const call = open<{ data: Buffer }>(session, FILE_SEND_FILE, { ...meta, [EXPORTER_ID]: String(exporter) });
  let bytes = 0;
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      for (let off = 0; off < chunk.length; off += FILE_CHUNK) {
        call.send({ data: chunk.subarray(off, off + FILE_CHUNK) });
        await call.drain();
      }
      bytes += chunk.length;
    }
    await finish(call);
    return bytes;
  } catch (err) {
    content.destroy();
    call.cancel();
    throw err;
  }
}
