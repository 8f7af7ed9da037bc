import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirp, writeJsonAtomic } from './atomic-file.js';

/** One operation in progress, as `begin` recorded it. */
export interface Intent<T = unknown> {
  kind: string;
  id: string;
  data: T;
}

/**
 * Intent-first operations: an operation whose steps cannot be one atomic write records what it
 * is about to do (`begin`, written atomically), does it, and then forgets the intent (`end`). A
 * crash in between leaves the intent on disk, and start-up reads `pending()` to finish the
 * operation or roll it back. Files: `<dir>/<kind>.<id>.json`.
 */
export class IntentLog {
  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<IntentLog> {
    await mkdirp(dir, 0o700);
    return new IntentLog(dir);
  }

  private path(kind: string, id: string): string {
    return join(this.dir, `${kind}.${id}.json`);
  }

  async begin<T>(kind: string, id: string, data: T): Promise<void> {
    await writeJsonAtomic(this.path(kind, id), { kind, id, data } satisfies Intent<T>);
  }

  async end(kind: string, id: string): Promise<void> {
    await rm(this.path(kind, id), { force: true });
  }

  /** Intents left by a crash (read at start-up, before any new operation begins). Unreadable ones are dropped. */
  async pending(kind?: string): Promise<Intent[]> {
    const out: Intent[] = [];
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('.')) {
        await rm(join(this.dir, name), { force: true }); // a begin cut short: its temp file
        continue;
      }
      if (!name.endsWith('.json') || (kind !== undefined && !name.startsWith(`${kind}.`))) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as Intent);
      } catch {
        await rm(join(this.dir, name), { force: true });
      }
    }
    return out;
  }
}
