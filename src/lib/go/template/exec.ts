// Executor for parsed templates, following Go's text/template exec.go over
// JSON-like data: objects act as maps (a missing key is "no value"), and a
// function-valued property acts as a method, so callers can pass objects with
// docker-style methods such as `.Label "key"`.

import { TemplateError, locationOf } from './error.js';
import { formatValue, goTypeName, isObject, sortedKeys } from './fmt.js';
import { isTrue, type TemplateFunc } from './funcs.js';
import { argString, commandString, pipeString, type Arg, type Command, type ControlNode, type Node, type ParsedTemplates, type Pipe } from './ast.js';

/** Marks "no value piped in", distinct from undefined (a missing value). */
const NO_FINAL = Symbol('no final');
type Final = unknown;

// {{break}} / {{continue}} unwind to the enclosing range.
class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}

// JS recursion runs out long before Go's limit of 100000.
const MAX_DEPTH = 1000;

interface State {
  src: string;
  tmpls: ParsedTemplates;
  funcs: Record<string, TemplateFunc>;
  name: string; // template being executed, for error messages
  vars: { name: string; value: unknown }[];
  depth: number;
  out: string[];
  at: { pos: number; text: string }; // node being evaluated, for error messages
}

export function execute(src: string, tmpls: ParsedTemplates, funcs: Record<string, TemplateFunc>, data: unknown): string {
  const s: State = {
    src,
    tmpls,
    funcs,
    name: '',
    vars: [{ name: '$', value: data }],
    depth: 0,
    out: [],
    at: { pos: 0, text: '' },
  };
  walkList(s, data, tmpls.root);
  return s.out.join('');
}

function at(s: State, pos: number, text: string): void {
  s.at = { pos, text };
}

function errorf(s: State, msg: string): never {
  // The location names the top-level template ("" here) even inside a {{define}}, as in Go.
  const loc = locationOf('', s.src, s.at.pos);
  const ctx = s.at.text.length > 20 ? s.at.text.slice(0, 20) + '...' : s.at.text;
  throw new TemplateError(`template: ${loc}: executing ${JSON.stringify(s.name)} at <${ctx}>: ${msg}`);
}

function walkList(s: State, dot: unknown, list: Node[]): void {
  for (const n of list) walk(s, dot, n);
}

function walk(s: State, dot: unknown, node: Node): void {
  switch (node.kind) {
    case 'text':
      s.out.push(node.text);
      return;
    case 'action': {
      const val = evalPipeline(s, dot, node.pipe);
      // An action that declares variables prints nothing.
      if (node.pipe.decl.length === 0) s.out.push(formatValue(val));
      return;
    }
    case 'if':
    case 'with': {
      const mark = s.vars.length;
      const val = evalPipeline(s, dot, node.pipe);
      if (isTrue(val)) walkList(s, node.kind === 'with' ? val : dot, node.list);
      else if (node.elseList) walkList(s, dot, node.elseList);
      s.vars.length = mark;
      return;
    }
    case 'range':
      return walkRange(s, dot, node);
    case 'template':
      return walkTemplate(s, dot, node);
    case 'break':
    case 'continue':
      throw new LoopSignal(node.kind);
  }
}

function walkRange(s: State, dot: unknown, node: ControlNode): void {
  const mark = s.vars.length;
  const val = evalPipeline(s, dot, node.pipe);
  const decl = node.pipe.decl;
  const items: [unknown, unknown][] = [];
  if (Array.isArray(val)) val.forEach((e, i) => items.push([i, e]));
  else if (isObject(val)) for (const k of sortedKeys(val)) items.push([k, val[k]]);
  else if (typeof val === 'number' && Number.isInteger(val)) for (let i = 0; i < val; i++) items.push([i, i]);
  // The error context stays on the last node the pipeline evaluated, as in Go.
  else if (val !== null && val !== undefined) errorf(s, `range can't iterate over ${formatValue(val)}`);
  // evalPipeline pushed the declared variables (in order) or, for `=`, found
  // existing ones; each iteration overwrites them. One variable gets the
  // element; two get key and element.
  const base = s.vars.length - decl.length;
  const assign = (i: number, value: unknown): void => {
    if (node.pipe.isAssign) setVar(s, decl[i]!, value);
    else s.vars[base + i]!.value = value;
  };
  for (const [key, elem] of items) {
    if (decl.length === 1) assign(0, elem);
    if (decl.length === 2) {
      assign(0, key);
      assign(1, elem);
    }
    const inner = s.vars.length;
    try {
      walkList(s, elem, node.list);
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.kind === 'break') break;
    } finally {
      s.vars.length = inner;
    }
  }
  if (items.length === 0 && node.elseList) walkList(s, dot, node.elseList);
  s.vars.length = mark;
}

function walkTemplate(s: State, dot: unknown, node: Extract<Node, { kind: 'template' }>): void {
  at(s, node.pos, `{{template ${JSON.stringify(node.name)}${node.pipe ? ' ' + pipeString(node.pipe) : ''}}}`);
  const body = s.tmpls.defs.get(node.name);
  if (!body) errorf(s, `template ${JSON.stringify(node.name)} not defined`);
  if (s.depth >= MAX_DEPTH) errorf(s, `exceeded maximum template depth (${MAX_DEPTH})`);
  const newDot = node.pipe ? evalPipeline(s, dot, node.pipe) : undefined;
  // No dynamic scoping: the callee sees only $ (its own dot).
  const inner: State = { ...s, name: node.name, vars: [{ name: '$', value: newDot }], depth: s.depth + 1 };
  walkList(inner, newDot, body);
}

function setVar(s: State, name: string, value: unknown): void {
  for (let i = s.vars.length - 1; i >= 0; i--) {
    if (s.vars[i]!.name === name) {
      s.vars[i]!.value = value;
      return;
    }
  }
  errorf(s, `undefined variable: ${name}`);
}

function varValue(s: State, name: string): unknown {
  for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i]!.name === name) return s.vars[i]!.value;
  return errorf(s, `undefined variable: ${name}`);
}

function evalPipeline(s: State, dot: unknown, pipe: Pipe): unknown {
  at(s, pipe.pos, pipeString(pipe));
  let value: Final = NO_FINAL;
  for (const cmd of pipe.cmds) value = evalCommand(s, dot, cmd, value);
  for (const name of pipe.decl) {
    if (pipe.isAssign) setVar(s, name, value);
    else s.vars.push({ name, value });
  }
  return value;
}

function evalCommand(s: State, dot: unknown, cmd: Command, final: Final): unknown {
  const first = cmd.args[0]!;
  switch (first.kind) {
    case 'field':
      at(s, first.pos, argString(first));
      return evalFieldChain(s, dot, dot, first.names, cmd.args, final);
    case 'chain':
      return evalChain(s, dot, first, cmd.args, final);
    case 'identifier':
      return evalFunction(s, dot, first.name, first.pos, cmd, final);
    case 'variable':
      return evalVariable(s, dot, first, cmd.args, final);
    case 'pipe':
      notAFunction(s, cmd.args, final);
      return evalPipeline(s, dot, first.pipe);
  }
  at(s, first.pos, argString(first));
  notAFunction(s, cmd.args, final);
  return literal(s, dot, first);
}

function literal(s: State, dot: unknown, a: Arg): unknown {
  switch (a.kind) {
    case 'dot':
      return dot;
    case 'nil':
      return errorf(s, 'nil is not a command');
    case 'bool':
    case 'number':
    case 'string':
      return a.value;
  }
  return errorf(s, `can't handle ${argString(a)}`);
}

function notAFunction(s: State, args: Arg[] | null, final: Final): void {
  if ((args && args.length > 1) || final !== NO_FINAL) errorf(s, `can't give argument to non-function ${argString(args![0]!)}`);
}

function evalChain(s: State, dot: unknown, chain: Extract<Arg, { kind: 'chain' }>, args: Arg[] | null, final: Final): unknown {
  at(s, chain.pos, argString(chain));
  if (chain.node.kind === 'nil') errorf(s, `indirection through explicit nil in ${argString(chain)}`);
  const receiver = evalArg(s, dot, chain.node);
  at(s, chain.pos, argString(chain));
  return evalFieldChain(s, dot, receiver, chain.names, args, final);
}

function evalVariable(s: State, dot: unknown, v: Extract<Arg, { kind: 'variable' }>, args: Arg[] | null, final: Final): unknown {
  at(s, v.pos, argString(v));
  const value = varValue(s, v.name);
  if (v.names.length === 0) {
    notAFunction(s, args, final);
    return value;
  }
  return evalFieldChain(s, dot, value, v.names, args, final);
}

function evalFieldChain(s: State, dot: unknown, receiver: unknown, names: string[], args: Arg[] | null, final: Final): unknown {
  let r = receiver;
  for (let i = 0; i < names.length - 1; i++) r = evalField(s, dot, names[i]!, null, NO_FINAL, r);
  return evalField(s, dot, names[names.length - 1]!, args, final, r);
}

/**
 * Marks an object as a Go struct (the docker CLI's formatter contexts) rather than a map: a field
 * it lacks is an execution error, not `<no value>`. The value is the Go type name for the message.
 */
export const STRUCT_TYPE = Symbol.for('berth.template.struct');

function evalField(s: State, dot: unknown, name: string, args: Arg[] | null, final: Final, receiver: unknown): unknown {
  // Go yields "no value" for a field of a missing value; null is treated the same.
  if (receiver === undefined || receiver === null) return undefined;
  const hasArgs = (args !== null && args.length > 1) || final !== NO_FINAL;
  if (typeof receiver === 'object' && !Array.isArray(receiver)) {
    const obj = receiver as Record<string, unknown>;
    if (hasField(obj, name)) {
      const v = obj[name];
      if (typeof v === 'function') {
        const argv = (args ?? []).slice(1).map((a) => evalArg(s, dot, a));
        if (final !== NO_FINAL) argv.push(final);
        return callFn(s, name, () => (v as (...a: unknown[]) => unknown).apply(obj, argv));
      }
      if (hasArgs) errorf(s, `${name} is not a method but has arguments`);
      return v;
    }
    if (hasArgs) errorf(s, `${name} is not a method but has arguments`);
    const structType = obj[STRUCT_TYPE as unknown as string];
    if (typeof structType === 'string') errorf(s, `can't evaluate field ${name} in type ${structType}`);
    return undefined; // a missing map key
  }
  return errorf(s, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
}

// Own properties, plus methods from a class prototype; never Object.prototype's.
function hasField(obj: object, name: string): boolean {
  for (let o: object | null = obj; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, name)) return true;
  }
  return false;
}

function evalFunction(s: State, dot: unknown, name: string, pos: number, cmd: Command | null, final: Final): unknown {
  at(s, pos, name);
  const f = s.funcs[name];
  if (!f) return errorf(s, `${JSON.stringify(name)} is not a defined function`);
  const argNodes = cmd ? cmd.args.slice(1) : [];
  const n = argNodes.length + (final !== NO_FINAL ? 1 : 0);
  if (n < f.min || n > f.max) {
    errorf(s, `wrong number of args for ${name}: want ${f.max === Infinity ? 'at least ' : ''}${f.min} got ${n}`);
  }
  if (name === 'and' || name === 'or') {
    // Go 1.18+ evaluates and/or lazily, stopping at the deciding argument.
    let v: unknown;
    for (const a of argNodes) {
      v = evalArg(s, dot, a);
      if (isTrue(v) === (name === 'or')) return v;
    }
    return final !== NO_FINAL ? final : v;
  }
  // A missing value reaches a function as nil, as Go converts it for interface{} parameters.
  const argv = argNodes.map((a) => evalArg(s, dot, a) ?? null);
  if (final !== NO_FINAL) argv.push(final ?? null);
  at(s, cmd ? cmd.pos : pos, cmd ? commandString(cmd) : name);
  return callFn(s, name, () => f.fn(...argv));
}

function callFn(s: State, name: string, call: () => unknown): unknown {
  try {
    return call();
  } catch (e) {
    if (e instanceof TemplateError || e instanceof LoopSignal) throw e;
    return errorf(s, `error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function evalArg(s: State, dot: unknown, a: Arg): unknown {
  at(s, a.pos, argString(a));
  switch (a.kind) {
    case 'dot':
      return dot;
    case 'nil':
      return null;
    case 'field':
      return evalFieldChain(s, dot, dot, a.names, [a], NO_FINAL);
    case 'variable':
      return evalVariable(s, dot, a, null, NO_FINAL);
    case 'pipe':
      return evalPipeline(s, dot, a.pipe);
    case 'identifier':
      return evalFunction(s, dot, a.name, a.pos, null, NO_FINAL);
    case 'chain':
      return evalChain(s, dot, a, null, NO_FINAL);
    case 'bool':
    case 'number':
    case 'string':
      return a.value;
  }
}
