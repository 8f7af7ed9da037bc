// Go's text/template with Docker's extra functions (docker/cli templates, docker/docker
// pkg/templates): the CLI's --format and the daemon's log tags. The pieces: lexer / parser
// (syntax), exec (evaluation), funcs (builtins), fmt (Go's fmt). Depends on nothing outside lib/go.

import { TemplateError } from './error.js';
import { execute, STRUCT_TYPE } from './exec.js';
import { BUILTINS, HEADER_FUNCS } from './funcs.js';
import { parse } from './parser.js';

export { TemplateError };

/** Gives `obj` Go struct semantics in templates (unknown fields are errors), named `typeName`. */
export function asStruct<T extends object>(obj: T, typeName: string): T {
  Object.defineProperty(obj, STRUCT_TYPE, { value: typeName, enumerable: false });
  return obj;
}

export interface Template {
  execute(data: unknown): string;
}

export interface TemplateOptions {
  /**
   * Use docker's header functions: json/split/join/title/lower/upper/truncate
   * return their string argument unchanged, so executing a table format over
   * a map of column titles renders the header row the way docker does.
   */
  header?: boolean;
}

/** Parses a template; throws TemplateError with Go's message on a syntax error. */
export function parseTemplate(src: string, options: TemplateOptions = {}): Template {
  const funcs = options.header ? HEADER_FUNCS : BUILTINS;
  const tmpls = parse(src, (name) => Object.hasOwn(funcs, name));
  return { execute: (data: unknown) => execute(src, tmpls, funcs, data) };
}

export function renderTemplate(src: string, data: unknown, options: TemplateOptions = {}): string {
  return parseTemplate(src, options).execute(data);
}
