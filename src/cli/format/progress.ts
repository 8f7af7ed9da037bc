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
