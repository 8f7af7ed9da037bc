import { parseInstruction, type Instruction } from './instructions.js';
import { lex } from './lexer.js';

export interface Dockerfile {
  instructions: Instruction[];
  escape: string;
  warnings: string[];
}

/** Parses a whole Dockerfile; the first error (with its line number) is thrown. */
export function parseDockerfile(text: string): Dockerfile {
  const { instructions, escape, warnings } = lex(text);
  return { instructions: instructions.map((r) => parseInstruction(r, escape)), escape, warnings };
}

/** Parses one instruction line (`--change`, ONBUILD triggers). */
export function parseLine(line: string, escape = '\\'): Instruction {
  const { instructions } = lex(line);
  if (instructions.length !== 1) throw new Error(`expected one instruction in: ${line}`);
  return parseInstruction(instructions[0]!, escape);
}
