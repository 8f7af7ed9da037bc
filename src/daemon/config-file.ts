import { readFile } from 'node:fs/promises';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isErrno } from '../lib/errdefs.js';

export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const WORDS: Record<string, string> = {
  InvalidSymbol: 'invalid character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name (in double quotes) expected',
  ValueExpected: 'a value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfComment: 'comments are not allowed',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Parses daemon.json text into its top-level object. A syntax error names the line and column
 * (JSON.parse's own message does not); an empty file is an empty configuration.
 */
export function parseConfigText(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const e = errors[0]!;
    const { line, column } = lineColumn(text, e.offset);
    const code = printParseErrorCode(e.error);
    const near = text.slice(e.offset, e.offset + Math.max(e.length, 1)).trim();
    throw new Error(`invalid JSON at line ${line}, column ${column}: ${WORDS[code] ?? code}${near ? ` near ${JSON.stringify(near)}` : ''}`);
  }
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the configuration must be a JSON object');
  return value as Record<string, unknown>;
}

/** The file's keys and values; `undefined` when the default file does not exist (not an error). */
export async function readConfigFile(path: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') && !required) return undefined;
    throw err;
  }
  return parseConfigText(text);
}
