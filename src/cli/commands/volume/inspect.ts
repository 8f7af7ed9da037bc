import type { Command } from 'commander';
import { engine } from '../../endpoint/context.js';
import { typedInspectCommand } from '../../inspect/inspector.js';

export function volumeInspectCommand(parent: Command): void {
  typedInspectCommand(parent, 'volume', (n) => engine().volumeInspect(n));
}
