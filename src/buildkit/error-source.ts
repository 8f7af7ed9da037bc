import { linesOf } from '../lib/dockerfile/errors.js';
import { withDetails } from './grpc-errors.js';

/** BuildKit's `errdefs.Source` as its gRPC errors carry it: JSON under this type URL (what buildx decodes). */
const SOURCE_TYPE = 'github.com/moby/buildkit/errdefs.Source+json';

/**
 * A build failure with the Dockerfile lines it is about, as BuildKit's Dockerfile frontend sends it:
 * the file's name and text and the lines' range, from which buildx prints its `Dockerfile:N`
 * snippet above the error. Errors that are about no line are returned as they are.
 */
export function withDockerfileSource<E extends object>(err: E, filename: string, dockerfile: Buffer): E {
  const lines = linesOf(err);
  if (lines === undefined) return err;
  const source = {
    info: { filename, language: 'Dockerfile', data: dockerfile.toString('base64') },
    ranges: [{ start: { line: lines.start }, end: { line: lines.end } }],
  };
  return withDetails(err, [{ type_url: SOURCE_TYPE, value: Buffer.from(JSON.stringify(source)) }]);
}
