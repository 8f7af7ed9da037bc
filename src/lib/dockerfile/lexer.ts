import { invalidArgument } from '../errdefs.js';
import { parseError } from './errors.js';

/** A here-document attached to a RUN, COPY or ADD line (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
export interface Heredoc {
  name: string;
  content: string;
  /** False when the delimiter was quoted: no variable expansion in the content. */
  expand: boolean;
}

/** One instruction as written: continuations joined, comments dropped, heredocs collected. */
export interface RawInstruction {
  /** Lower case (instructions are case-insensitive). */
  cmd: string;
  /** The arguments after the keyword, trimmed. */
  rest: string;
  /** `RUN echo hi` as written, continuation lines joined (what `Step n/m :` prints). */
  original: string;
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
}

export interface LexResult {
  instructions: RawInstruction[];
  escape: string;
  warnings: string[];
}

const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$/;
const HEREDOC_COMMANDS = new Set(['run', 'copy', 'add']);
const HEREDOC = /<<(-?)[ \t]*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/**
 * Splits a Dockerfile into instructions, as BuildKit's parser does: parser directives
 * (`# escape=`, `# syntax=`) only before anything else, the escape character at the end of a
 * line continues it (comment and empty lines inside a continuation are skipped), heredoc bodies
 * follow their instruction's line.
 */
export function lex(text: string): LexResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const warnings: string[] = [];
  let escape = '\\';
  let i = 0;
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (m === null) break;
    const name = m[1]!.toLowerCase();
    if (seen.has(name)) throw parseError(i + 1, `only one ${name} parser directive can be used`);
    seen.add(name);
    if (name === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw parseError(i + 1, `invalid escape token '${m[2]}' does not match \` or \\`);
      escape = m[2]!;
    } else if (name === 'syntax') {
      warnings.push(`[WARNING]: the syntax directive (${m[2]}) is ignored by the classic builder\n`);
    }
  }
  const continued = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const isSkippable = (l: string): boolean => /^\s*$/.test(l) || /^\s*#/.test(l);
  const out: RawInstruction[] = [];
  while (i < lines.length) {
    if (isSkippable(lines[i]!)) {
      i++;
      continue;
    }
    const startLine = i + 1;
    let logical = '';
    let line = lines[i++]!;
    while (continued.test(line)) {
      logical += line.replace(continued, '');
      while (i < lines.length && isSkippable(lines[i]!)) i++;
      if (i >= lines.length) {
        line = '';
        break;
      }
      line = lines[i++]!;
    }
    logical += line;
    // A lone escape at the end leaves an empty instruction: BuildKit's parser keeps it too ("unknown instruction: ").
    const m = /^\s*(\S*)\s*(.*?)\s*$/s.exec(logical)!;
    const cmd = m[1]!.toLowerCase();
    const rest = m[2]!;
    const heredocs: Heredoc[] = [];
    if (HEREDOC_COMMANDS.has(cmd)) {
      for (const h of rest.matchAll(HEREDOC)) {
        const chomp = h[1] === '-';
        const body: string[] = [];
        for (;;) {
          if (i >= lines.length) throw parseError(startLine, `unterminated heredoc ${h[3]}`);
          const l = chomp ? lines[i]!.replace(/^\t+/, '') : lines[i]!;
          i++;
          if (l === h[3]) break;
          body.push(l);
        }
        heredocs.push({ name: h[3]!, content: body.map((l) => `${l}\n`).join(''), expand: h[2] === '' });
      }
    }
    out.push({ cmd, rest, original: logical.trim(), startLine, endLine: i, heredocs });
  }
  return { instructions: out, escape, warnings };
}

/** `["a", "b"]` → the strings, or undefined when `rest` is not a JSON array of strings. */
export function jsonArgs(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits on unquoted whitespace, keeping quotes and escapes in the words (expansion removes them
 * later); BuildKit's parseWords.
 */
export function splitWords(s: string, escape: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k]!;
    if (quote === '' && /\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === escape && k + 1 < s.length && quote !== "'") {
      cur += ch + s[++k];
      continue;
    }
    if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
    cur += ch;
  }
  if (quote !== '') throw invalidArgument(`unmatched quote ${quote} in: ${s}`);
  if (inWord) words.push(cur);
  return words;
}
