import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { engine, out } from '../../endpoint/context.js';
import { StatusError } from '../../exit/errors.js';
import { eraseCredentials, serverKey, storeCredentials } from '../../registry/auth.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString()
    .replace(/\r?\n$/, '');
}

async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

export function loginCommand(parent: Command): void {
  parent
    .command('login')
    .description('Authenticate to a registry')
    .usage('[OPTIONS] [SERVER]')
    .argument('[server]')
    .option('-u, --username <string>', 'Username')
    .option('-p, --password <string>', 'Password')
    .option('--password-stdin', 'Take the password from stdin')
    .action(async (server: string | undefined, flags: { username?: string; password?: string; passwordStdin?: boolean }) => {
      if (flags.password !== undefined && flags.passwordStdin) throw new StatusError(1, '--password and --password-stdin are mutually exclusive');
      if (flags.passwordStdin && !flags.username) throw new StatusError(1, 'Must provide --username with --password-stdin');
      if (flags.password !== undefined) process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      const username = flags.username ?? (await prompt('Username: '));
      const password = flags.passwordStdin ? await readStdin() : (flags.password ?? (await prompt('Password: ')));
      if (!username) throw new StatusError(1, 'Error: Non-null Username Required');
      if (!password) throw new StatusError(1, 'Error: Non-null Password Required');
      const address = serverKey(server);
      const res = await engine().auth({ username, password, serveraddress: address });
      await storeCredentials(server, username, password);
      out(`${res.Status}\n`);
    });
}

export function logoutCommand(parent: Command): void {
  parent
    .command('logout')
    .description('Log out from a registry')
    .usage('[SERVER]')
    .argument('[server]')
    .action(async (server: string | undefined) => {
      const key = serverKey(server);
      if (await eraseCredentials(server)) out(`Removing login credentials for ${key}\n`);
      else out(`Not logged in to ${key}\n`);
    });
}
