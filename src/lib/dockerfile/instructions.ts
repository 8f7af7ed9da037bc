import { jsonArgs, splitWords, type Heredoc, type RawInstruction } from './lexer.js';
import { parseError } from './errors.js';
import { suggest } from './suggest.js';

/** A command in exec (JSON) form, or a shell string run by the stage's SHELL. */
export type CommandForm = { json: string[] } | { shell: string };

export type InstructionBody =
  | { kind: 'from'; image: string; stage?: string; flags: Flags }
  | { kind: 'run'; command: CommandForm; heredocs: Heredoc[]; flags: Flags; /** Every `--mount` value, in order (the flag repeats). */ mounts: string[] }
  | { kind: 'cmd' | 'entrypoint'; command: CommandForm }
  /** Keys and values still to be expanded. */
  | { kind: 'env' | 'label'; pairs: Array<[string, string]> }
  | { kind: 'arg'; args: Array<{ name: string; def?: string }> }
  /** Words still to be expanded (VOLUME in JSON form: literal paths). */
  | { kind: 'expose' | 'volume'; words: string[]; literal: boolean }
  | { kind: 'workdir' | 'user' | 'stopsignal' | 'maintainer'; value: string }
  | { kind: 'shell'; json: string[] }
  | { kind: 'healthcheck'; test: string[] | 'NONE'; flags: Flags }
  | { kind: 'onbuild'; expression: string }
  | {
      kind: 'copy' | 'add';
      sources: string[];
      dest: string;
      json: boolean;
      heredocs: Heredoc[];
      flags: Flags;
      /** Every `--exclude` value (the flag repeats). */ excludes: string[];
    };

/** `line`..`endLine`: where it is in the Dockerfile (continuation lines and here-documents included). */
export type Instruction = InstructionBody & { line: number; endLine: number; original: string };
export type Flags = Record<string, string>;

const FLAGS: Record<string, string[]> = {
  from: ['platform'],
  run: ['network', 'mount', 'security'],
  copy: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  add: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  healthcheck: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
export const INSTRUCTIONS = [
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];

/** Turns one lexed instruction into its typed form; errors carry the line number. */
export function parseInstruction(raw: RawInstruction, escape: string): Instruction {
  const fail = (msg: string): never => {
    throw parseError(raw.startLine, msg, raw.endLine);
  };
  const word = raw.original.split(/\s/, 1)[0]!;
  if (!INSTRUCTIONS.includes(raw.cmd)) fail(`unknown instruction: ${word}${suggest(raw.cmd, INSTRUCTIONS)}`);
  let rest = raw.rest;
  let flags: Flags = {};
  const repeated: Record<string, string[]> = {};
  if (FLAGS[raw.cmd]) [flags, rest] = takeFlags(rest, FLAGS[raw.cmd]!, fail, repeated);
  const CMD = raw.cmd.toUpperCase();
  const atLeastOne = (): void => {
    if (rest === '') fail(`${CMD} requires at least one argument`);
  };
  const body = ((): InstructionBody => {
    switch (raw.cmd) {
      case 'from': {
        const w = splitWords(rest, escape);
        if (w.length === 3 && w[1]!.toLowerCase() === 'as') {
          if (!/^[a-z][a-z0-9-_.]*$/i.test(w[2]!)) fail(`invalid name for build stage: "${w[2]}", name can't start with a number or contain symbols`);
          return { kind: 'from', image: w[0]!, stage: w[2]!.toLowerCase(), flags };
        }
        if (w.length !== 1) fail('FROM requires either one or three arguments');
        return { kind: 'from', image: w[0]!, flags };
      }
      case 'run':
        atLeastOne();
        return { kind: 'run', command: commandForm(rest), heredocs: raw.heredocs, flags, mounts: repeated['mount'] ?? [] };
      case 'cmd':
      case 'entrypoint':
        return { kind: raw.cmd, command: commandForm(rest) };
      case 'env':
      case 'label':
        atLeastOne();
        return { kind: raw.cmd, pairs: keyValues(rest, CMD, escape, fail) };
      case 'arg': {
        atLeastOne();
        const args = splitWords(rest, escape).map((w) => {
          const eq = w.indexOf('=');
          return eq < 0 ? { name: w } : { name: w.slice(0, eq), def: w.slice(eq + 1) };
        });
        return { kind: 'arg', args };
      }
      case 'expose':
        atLeastOne();
        return { kind: 'expose', words: splitWords(rest, escape), literal: false };
      case 'volume': {
        atLeastOne();
        const json = jsonArgs(rest);
        if (json && json.some((v) => v.trim() === '')) fail('VOLUME specified can not be an empty string');
        return { kind: 'volume', words: json ?? splitWords(rest, escape), literal: json !== undefined };
      }
      case 'workdir':
      case 'user':
      case 'stopsignal':
      case 'maintainer':
        // Docker's parser takes the rest of the line as the one argument (`parseString`):
        // `WORKDIR a b c` is the directory "a b c", not three arguments.
        if (rest === '') fail(raw.cmd === 'maintainer' ? `${CMD} requires at least one argument` : `${CMD} requires exactly one argument`);
        return { kind: raw.cmd, value: rest };
      case 'shell': {
        const json = jsonArgs(rest);
        if (json === undefined) fail('SHELL requires the arguments to be in JSON form');
        if (json!.length === 0) fail('SHELL requires at least one argument');
        return { kind: 'shell', json: json! };
      }
      case 'healthcheck': {
        const w = rest.split(/\s+/, 1)[0]!.toUpperCase();
        if (w === 'NONE') {
          if (rest.trim().toUpperCase() !== 'NONE') fail('HEALTHCHECK NONE takes no arguments');
          return { kind: 'healthcheck', test: 'NONE', flags };
        }
        if (w !== 'CMD') fail(`Unknown type "${w}" in HEALTHCHECK (try CMD)`);
        const c = commandForm(rest.slice(3).trim());
        return { kind: 'healthcheck', test: 'json' in c ? ['CMD', ...c.json] : ['CMD-SHELL', c.shell], flags };
      }
      case 'onbuild': {
        atLeastOne();
        const inner = rest.split(/\s/, 1)[0]!.toUpperCase();
        if (inner === 'ONBUILD') fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (inner === 'FROM' || inner === 'MAINTAINER') fail(`${inner} isn't allowed as an ONBUILD trigger`);
        return { kind: 'onbuild', expression: rest };
      }
      default: {
        // copy, add
        const json = jsonArgs(rest);
        const words = json ?? splitWords(rest, escape);
        if (words.length < 2) fail(`${CMD} requires at least two arguments, but only one was provided. Destination could not be determined.`);
        return {
          kind: raw.cmd as 'copy' | 'add',
          sources: words.slice(0, -1),
          dest: words.at(-1)!,
          json: json !== undefined,
          heredocs: raw.heredocs,
          flags,
          excludes: repeated['exclude'] ?? [],
        };
      }
    }
  })();
  return { ...body, line: raw.startLine, endLine: raw.endLine, original: raw.original };
}

function commandForm(rest: string): CommandForm {
  const json = jsonArgs(rest);
  return json !== undefined ? { json } : { shell: rest };
}

/** `all` gets every value of each flag, for the flags that may repeat (`RUN --mount`). */
function takeFlags(rest: string, allowed: string[], fail: (m: string) => never, all: Record<string, string[]> = {}): [Flags, string] {
  const flags: Flags = {};
  let r = rest;
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S*))?(?:\s+|$)/.exec(r);
    if (m === null) break;
    if (!allowed.includes(m[1]!)) fail(`Unknown flag: ${m[1]}`);
    flags[m[1]!] = m[2] ?? 'true';
    (all[m[1]!] ??= []).push(m[2] ?? 'true');
    r = r.slice(m[0].length);
  }
  return [flags, r];
}

/** `A=1 B="two words"`, or the legacy `A one value` (one pair, the rest of the line its value). */
function keyValues(rest: string, cmd: string, escape: string, fail: (m: string) => never): Array<[string, string]> {
  const words = splitWords(rest, escape);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+(.*)$/s.exec(rest);
    if (m === null) fail(`${cmd} must have two arguments`);
    return [[m![1]!, m![2]!]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) fail(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (eq === 0) fail(`${cmd} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
