import { spawn } from 'node:child_process';

/** What a credential helper keeps for one server (docker-credential-helpers' JSON). */
export interface HelperCredentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

/** The helpers' answer to `get` for a server they hold nothing for. */
const NOT_FOUND = 'credentials not found in native keychain';

/**
 * Runs `docker-credential-<helper> <action>` (found on PATH) with `input` on stdin, the protocol
 * of docker-credential-helpers that the docker CLI speaks: `store` takes the JSON above, `get`
 * and `erase` the server URL. Resolves with stdout; a non-zero exit rejects with its output.
 */
function run(helper: string, action: 'store' | 'get' | 'erase', input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const program = `docker-credential-${helper}`;
    const child = spawn(program, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.resume();
    child.stdin.on('error', () => undefined); // a helper that exits without reading its input
    child.on('error', (err) => reject(new Error(`${program} ${action}: ${err.message}`)));
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString().trim();
      if (code === 0) resolve(text);
      else reject(Object.assign(new Error(`${program} ${action}: exit status ${code}, out: \`${text}\``), { helperOutput: text }));
    });
    child.stdin.end(input);
  });
}

export async function helperStore(helper: string, creds: HelperCredentials): Promise<void> {
  await run(helper, 'store', JSON.stringify(creds)).catch((err: Error) => {
    throw new Error(`Error saving credentials: error storing credentials - err: ${err.message}`);
  });
}

/** The helper's credentials for `serverURL`, or undefined when it holds none. */
export async function helperGet(helper: string, serverURL: string): Promise<HelperCredentials | undefined> {
  try {
    const creds = JSON.parse(await run(helper, 'get', serverURL)) as HelperCredentials;
    return creds.Username || creds.Secret ? creds : undefined;
  } catch (err) {
    if ((err as { helperOutput?: string }).helperOutput === NOT_FOUND) return undefined;
    throw new Error(`error getting credentials - err: ${(err as Error).message}`);
  }
}

export async function helperErase(helper: string, serverURL: string): Promise<void> {
  await run(helper, 'erase', serverURL).catch((err: Error) => {
    if ((err as { helperOutput?: string }).helperOutput === NOT_FOUND) return;
    throw new Error(`error erasing credentials - err: ${err.message}`);
  });
}
