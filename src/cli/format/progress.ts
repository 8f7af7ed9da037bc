import type { JsonMessage } from '../../api/types/images.js';

/**
 * Renders JSON progress messages on a terminal: one line per id, redrawn in place while that
 * id makes progress (`3e207b409db3: Loading layer [==>   ] 1.2MB/5MB`); a new id starts a line.
 */
export function progressPrinter(write: (s: string) => void): { update(m: JsonMessage): void; done(): void } {
  let current: string | undefined;
  return {
    update(m) {
      const id = m.id ?? '';
      if (current !== undefined && current !== id) write('\n');
      current = id;
      write(`\r\x1b[2K${id ? `${id}: ` : ''}${m.status ?? ''}${m.progress ? ` ${m.progress}` : ''}`);
    },
    done() {
      if (current !== undefined) write('\n');
      current = undefined;
    },
  };
}

/**
 * Docker's pull/push display: one line per layer id, each redrawn in place (the cursor moves up
 * to it) as messages for that id arrive; messages without an id print below. Off a terminal,
 * only status changes print, one plain line each (no bars), as the docker CLI does.
 */
export function layerProgress(write: (s: string) => void, tty: boolean): { update(m: JsonMessage): void } {
  const lines: string[] = [];
  const lastStatus = new Map<string, string>();
  return {
    update(m) {
      // An aux message (a push's digest, a build's image ID) is data for the caller, never printed (as the docker CLI).
      if (m.aux !== undefined && m.status === undefined) return;
      const id = m.id;
      const text = `${id ? `${id}: ` : ''}${m.status ?? ''}${tty && m.progress ? ` ${m.progress}` : ''}`;
      if (!tty) {
        if (m.progressDetail?.total !== undefined && m.progressDetail.current !== undefined) return;
        if (id && lastStatus.get(id) === m.status) return;
        if (id) lastStatus.set(id, m.status ?? '');
        write(`${text}\n`);
        return;
      }
      const i = id ? lines.indexOf(id) : -1;
      if (!id || i < 0 || m.status?.startsWith('Pulling from') || m.status?.startsWith('Digest:')) {
        if (id && !m.status?.startsWith('Pulling from')) lines.push(id);
        else lines.push('');
        write(`${text}\n`);
        return;
      }
      const up = lines.length - i;
      write(`\x1b[${up}A\r\x1b[2K${text}\x1b[${up}B\r`);
    },
  };
}
