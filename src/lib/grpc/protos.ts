import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * `src/<folder>` of this checkout (e.g. `cri/proto`), found by walking up from this module: it is
 * dist/src/lib/grpc/ under tsc and dist/bin/ in the bundle, and the .proto files are not copied.
 */
export function sourceDir(folder: string, marker: string): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const candidate = join(d, 'src', folder);
    if (existsSync(join(candidate, marker))) return candidate;
    if (dirname(d) === d) throw new Error(`protocol definitions (src/${folder}/${marker}) not found`);
  }
}

/**
 * The services of .proto files in `dir`, by full name (`runtime.v1.RuntimeService`). Messages are
 * plain objects with the proto's own field names; 64-bit integers are numbers, enums their names,
 * unset fields their defaults.
 */
export function loadServices(dir: string, files: string[], names: string[]): Record<string, ServiceDefinition> {
  const pkg = loadPackageDefinition(loadSync(files, { includeDirs: [dir], keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true }));
  const out: Record<string, ServiceDefinition> = {};
  for (const name of names) {
    let o: unknown = pkg;
    for (const part of name.split('.')) o = (o as GrpcObject)[part];
    out[name] = (o as { service: ServiceDefinition }).service;
  }
  return out;
}
