import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StatusError } from '../exit/errors.js';

/** Opens a file the user named as a command's input, with the Go-style error the docker CLI prints. */
export async function openInputFile(file: string): Promise<Readable> {
  const body = createReadStream(file, { highWaterMark: 1 << 20 }); // big reads: an image or archive is usually large
  await new Promise<void>((resolve, reject) => {
    body.once('open', () => resolve());
    body.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StatusError(1, `open ${file}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`)),
    );
  });
  return body;
}
