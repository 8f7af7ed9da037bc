// Syntax tree of a parsed template, and Go's Node.String renderings used in
// "executing ... at <X>" error messages.

// Operands: the words of a command.
export type Arg =
  | { kind: 'field'; pos: number; names: string[] } // .A.B
  | { kind: 'variable'; pos: number; name: string; names: string[] } // $x.A.B
  | { kind: 'chain'; pos: number; node: Arg; names: string[] } // (pipe).A.B
  | { kind: 'pipe'; pos: number; pipe: Pipe } // parenthesised pipeline
  | { kind: 'identifier'; pos: number; name: string } // function name
  | { kind: 'dot' | 'nil'; pos: number }
  | { kind: 'bool'; pos: number; value: boolean }
  | { kind: 'number'; pos: number; value: number; text: string }
  | { kind: 'string'; pos: number; value: string; text: string };

export interface Command {
  pos: number;
  args: Arg[];
}
export interface Pipe {
  pos: number;
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
}

export type Node =
  | { kind: 'text'; pos: number; text: string }
  | { kind: 'action'; pos: number; pipe: Pipe }
  | ControlNode
  | { kind: 'template'; pos: number; name: string; pipe: Pipe | null }
  | { kind: 'break' | 'continue'; pos: number };

export interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pos: number;
  pipe: Pipe;
  list: Node[];
  elseList: Node[] | null;
}

export interface ParsedTemplates {
  root: Node[];
  defs: Map<string, Node[]>; // {{define}} and {{block}} bodies
}

// Source-like rendering of nodes (Go's Node.String).
export function argString(a: Arg): string {
  switch (a.kind) {
    case 'field':
      return a.names.map((n) => '.' + n).join('');
    case 'variable':
      return a.name + a.names.map((n) => '.' + n).join('');
    case 'chain':
      return `${argString(a.node)}${a.names.map((n) => '.' + n).join('')}`;
    case 'pipe':
      return `(${pipeString(a.pipe)})`;
    case 'identifier':
      return a.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(a.value);
    case 'number':
    case 'string':
      return a.text;
  }
}

export function commandString(c: Command): string {
  return c.args.map(argString).join(' ');
}

export function pipeString(p: Pipe): string {
  const decl = p.decl.length ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(commandString).join(' | ');
}
