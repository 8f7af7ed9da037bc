// Parser for Go text/template: a port of parse/parse.go's recursive descent,
// keeping its error messages so users see what the docker CLI would print.

import { TemplateError, lineOf } from './error.js';
import { lex, tokenString, type Token, type TokenType } from './lexer.js';
import { unquote, parseNumber } from './literals.js';
import { argString, type Arg, type Command, type Node, type ParsedTemplates, type Pipe } from './ast.js';

/** Marker nodes returned by itemList for {{end}} / {{else}}; never stored in a tree. */
type Terminator = { kind: 'end' | 'else'; pos: number };

const OPERAND_START = new Set<TokenType>([
  'bool',
  'charConstant',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);

export function parse(src: string, hasFunction: (name: string) => boolean): ParsedTemplates {
  const tokens = lex(src);
  let i = 0; // index of the next token
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  const defs = new Map<string, Node[]>();

  const next = (): Token => tokens[Math.min(i++, tokens.length - 1)]!;
  const peek = (): Token => tokens[Math.min(i, tokens.length - 1)]!;
  const nextNonSpace = (): Token => {
    let t = next();
    while (t.type === 'space') t = next();
    return t;
  };
  const peekNonSpace = (): Token => {
    while (peek().type === 'space') i++;
    return peek();
  };
  const errorf = (msg: string): never => {
    const t = tokens[Math.max(0, Math.min(i - 1, tokens.length - 1))]!;
    throw new TemplateError(`template: :${lineOf(src, t.pos)}: ${msg}`);
  };
  const unexpected = (t: Token, context: string): never => errorf(`unexpected ${tokenString(t)} in ${context}`);
  const expect = (type: TokenType, context: string): Token => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };
  const addDef = (name: string, list: Node[]): void => {
    const old = defs.get(name);
    if (old && !isEmptyTree(old) && !isEmptyTree(list)) errorf(`template: multiple definition of template ${JSON.stringify(name)}`);
    if (!old || isEmptyTree(old)) defs.set(name, list);
  };

  // Top level: like itemList, but also accepts {{define}}.
  const root: Node[] = [];
  while (peek().type !== 'eof') {
    if (peek().type === 'leftDelim') {
      const save = i;
      next();
      if (nextNonSpace().type === 'define') {
        parseDefinition();
        continue;
      }
      i = save;
    }
    const n = textOrAction();
    if (n.kind === 'end' || n.kind === 'else') errorf(`unexpected {{${n.kind}}}`);
    root.push(n as Node);
  }
  return { root, defs };

  function parseDefinition(): void {
    const context = 'define clause';
    const nameTok = nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') unexpected(nameTok, context);
    const name = unquoteOrFail(nameTok.val);
    expect('rightDelim', context);
    const [list, end] = inNewScope(itemList);
    if (end.kind !== 'end') errorf(`unexpected {{${end.kind}}} in ${context}`);
    addDef(name, list);
  }

  // A {{define}} or {{block}} body is its own tree: only $ is in scope and it
  // is not inside any enclosing {{range}}.
  function inNewScope<T>(body: () => T): T {
    const saved = [vars, rangeDepth] as const;
    vars = ['$'];
    rangeDepth = 0;
    try {
      return body();
    } finally {
      [vars, rangeDepth] = saved;
    }
  }

  function itemList(): [Node[], Terminator] {
    const list: Node[] = [];
    while (peekNonSpace().type !== 'eof') {
      const n = textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n as Terminator];
      list.push(n as Node);
    }
    return errorf('unexpected EOF');
  }

  function textOrAction(): Node | Terminator {
    const t = nextNonSpace();
    if (t.type === 'text') return { kind: 'text', pos: t.pos, text: t.val };
    if (t.type === 'leftDelim') return action();
    return unexpected(t, 'input');
  }

  function action(): Node | Terminator {
    const t = nextNonSpace();
    switch (t.type) {
      case 'block':
        return blockControl();
      case 'else':
        return elseControl();
      case 'end':
        return { kind: 'end', pos: expect('rightDelim', 'end').pos };
      case 'if':
        return control('if');
      case 'range':
        return control('range');
      case 'with':
        return control('with');
      case 'template':
        return templateControl();
      case 'break':
      case 'continue': {
        const kw = t.type;
        const close = nextNonSpace();
        if (close.type !== 'rightDelim') unexpected(close, `{{${kw}}}`);
        if (rangeDepth === 0) errorf(`{{${kw}}} outside {{range}}`);
        return { kind: kw, pos: t.pos };
      }
    }
    i--;
    // Variables declared here persist until the enclosing {{end}}.
    return { kind: 'action', pos: t.pos, pipe: pipeline('command') };
  }

  function control(kind: 'if' | 'with' | 'range'): Node {
    const savedVars = vars.length;
    const pipe = pipeline(kind);
    if (kind === 'range') rangeDepth++;
    let [list, end] = itemList();
    if (kind === 'range') rangeDepth--;
    let elseList: Node[] | null = null;
    if (end.kind === 'else') {
      // {{else if x}} / {{else with x}} are sugar for {{else}}{{if x}}...{{end}}{{end}}
      // sharing one {{end}}; elseControl left the keyword unread.
      if (kind !== 'range' && peek().type === kind) {
        next();
        elseList = [control(kind)];
      } else {
        [elseList, end] = itemList();
        if (end.kind !== 'end') errorf(`expected end; found {{${end.kind}}}`);
      }
    }
    vars.length = savedVars;
    return { kind, pos: pipe.pos, pipe, list, elseList };
  }

  function elseControl(): Terminator {
    const t = peekNonSpace();
    if (t.type === 'if' || t.type === 'with') return { kind: 'else', pos: t.pos };
    return { kind: 'else', pos: expect('rightDelim', 'else').pos };
  }

  function templateName(context: string): [string, number] {
    const t = nextNonSpace();
    if (t.type !== 'string' && t.type !== 'rawString') unexpected(t, context);
    return [unquoteOrFail(t.val), t.pos];
  }

  function templateControl(): Node {
    const [name, pos] = templateName('template clause');
    let pipe: Pipe | null = null;
    if (nextNonSpace().type !== 'rightDelim') {
      i--;
      pipe = pipeline('template clause');
    }
    return { kind: 'template', pos, name, pipe };
  }

  // {{block "name" pipeline}} body {{end}} = define + template.
  function blockControl(): Node {
    const context = 'block clause';
    const [name, pos] = templateName(context);
    const pipe = pipeline(context);
    const [list, end] = inNewScope(itemList);
    if (end.kind !== 'end') errorf(`unexpected {{${end.kind}}} in ${context}`);
    addDef(name, list);
    return { kind: 'template', pos, name, pipe };
  }

  function pipeline(context: string): Pipe {
    const pipe: Pipe = { pos: peekNonSpace().pos, decl: [], isAssign: false, cmds: [] };
    // Declarations: "$x :=", "$x =", or in range "$i, $e :=".
    for (;;) {
      const v = peekNonSpace();
      if (v.type !== 'variable') break;
      const save = i;
      next();
      const after = peekNonSpace();
      if (after.type === 'declare' || after.type === 'assign') {
        next();
        pipe.isAssign = after.type === 'assign';
        pipe.decl.push(v.val);
        vars.push(v.val);
        break;
      }
      if (after.type === 'char' && after.val === ',') {
        next();
        pipe.decl.push(v.val);
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const n = peekNonSpace().type;
          if (n === 'variable' || n === 'rightDelim' || n === 'rightParen') continue;
          errorf('range can only initialize variables');
        }
        errorf(`too many declarations in ${context}`);
      }
      i = save;
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.type === 'rightDelim' || t.type === 'rightParen') {
        checkPipeline(pipe, context);
        if (t.type === 'rightParen') i--;
        return pipe;
      }
      if (!OPERAND_START.has(t.type)) unexpected(t, context);
      i--;
      pipe.cmds.push(command());
    }
  }

  function checkPipeline(pipe: Pipe, context: string): void {
    if (pipe.cmds.length === 0) errorf(`missing value for ${context}`);
    // Only the first stage may be a plain value: `x | "lit"` can't take the piped value.
    pipe.cmds.slice(1).forEach((c, n) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.kind)) {
        errorf(`non executable command in pipeline stage ${n + 2}`);
      }
    });
  }

  function command(): Command {
    const cmd: Command = { pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') continue;
      if (t.type === 'error') errorf(t.val);
      if (t.type === 'rightDelim' || t.type === 'rightParen') i--;
      else if (t.type !== 'pipe') errorf(`unexpected ${tokenString(t)} in operand`);
      break;
    }
    if (cmd.args.length === 0) errorf('empty command');
    return cmd;
  }

  function operand(): Arg | null {
    const node = term();
    if (!node || peek().type !== 'field') return node;
    const pos = peek().pos;
    const names: string[] = [];
    while (peek().type === 'field') names.push(next().val.slice(1));
    switch (node.kind) {
      case 'field':
      case 'variable':
        return { ...node, names: [...node.names, ...names] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return errorf(`unexpected . after term ${JSON.stringify(argString(node))}`);
      default:
        return { kind: 'chain', pos, node, names };
    }
  }

  function term(): Arg | null {
    const t = nextNonSpace();
    switch (t.type) {
      case 'error':
        return errorf(t.val);
      case 'identifier':
        if (!hasFunction(t.val)) errorf(`function ${JSON.stringify(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable':
        if (!vars.includes(t.val)) errorf(`undefined variable ${JSON.stringify(t.val)}`);
        return { kind: 'variable', pos: t.pos, name: t.val, names: [] };
      case 'field':
        return { kind: 'field', pos: t.pos, names: [t.val.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'number':
      case 'charConstant': {
        const value = parseNumber(t.val, t.type === 'charConstant');
        if (value === null) errorf(`illegal number syntax: ${JSON.stringify(t.val)}`);
        return { kind: 'number', pos: t.pos, value: value!, text: t.val };
      }
      case 'leftParen': {
        const pipe = pipeline('parenthesized pipeline');
        const close = next();
        if (close.type !== 'rightParen') errorf(`unclosed right paren: unexpected ${tokenString(close)}`);
        return { kind: 'pipe', pos: t.pos, pipe };
      }
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, value: unquoteOrFail(t.val), text: t.val };
    }
    i--;
    return null;
  }

  function unquoteOrFail(text: string): string {
    const s = unquote(text);
    return s ?? errorf('invalid syntax');
  }
}

/** Whether a tree holds nothing but whitespace text (Go's IsEmptyTree). */
function isEmptyTree(list: Node[]): boolean {
  return list.every((n) => n.kind === 'text' && n.text.trim() === '');
}
