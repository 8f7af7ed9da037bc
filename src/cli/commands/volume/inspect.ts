import type { Command } from 'commander';
import { engine } from '../../context.js';
import { typedInspectCommand } from '../inspect.js';

export function volumeInspectCommand(parent: Command): void {
  typedInspectCommand(parent, 'volume', (n) => engine().volumeInspect(n));
}
