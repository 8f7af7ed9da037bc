// Go text/template engine for the CLI's --format flag, with the docker CLI's
// extra functions. The pieces: template-lexer / template-parser (syntax),
// template-exec (evaluation), template-funcs (builtins), template-fmt (Go's fmt).

import { TemplateError } from './template-error.js';
import { execute, STRUCT_TYPE } from './template-exec.js';
import { BUILTINS, HEADER_FUNCS } from './template-funcs.js';
import { parse } from './template-parser.js';

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

/**
 * docker's table convention: a format starting with "table" prints a header
 * row and aligned columns. Like the docker CLI (formatter.preFormat), the
 * "table" prefix is removed and then surrounding spaces are trimmed.
 */
export function isTableFormat(fmt: string): { table: boolean; body: string } {
  const table = fmt.startsWith('table');
  const body = (table ? fmt.slice('table'.length) : fmt).replace(/^ +| +$/g, '');
  return { table, body };
}

/** Turns the two-character sequences `\t` and `\n` typed on a command line into tab and newline. */
export function expandEscapes(fmt: string): string {
  return fmt.replace(/\\([tn])/g, (_, c: string) => (c === 't' ? '\t' : '\n'));
}
