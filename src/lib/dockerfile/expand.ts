import { invalidArgument } from '../errdefs.js';

/** Variables visible to expansion: a value, or undefined when unset. */
export type Lookup = (name: string) => string | undefined;

/**
 * Docker's Dockerfile word processing (BuildKit's shell lexer, the common subset): quote
 * removal, the escape character, `$v`, `${v}`, `${v:-x}`, `${v-x}`, `${v:+x}`, `${v+x}`,
 * `${v:?msg}`, `${v?msg}`. Single quotes are literal; inside double quotes the escape only
 * escapes `"`, `$` and itself.
 */
export function expandWord(word: string, env: Lookup, escape = '\\'): string {
  return lexWords(word, env, escape, false)[0] ?? '';
}

/** As expandWord, but unquoted whitespace separates words (EXPOSE, VOLUME, `COPY a b /d`). */
export function expandWords(word: string, env: Lookup, escape = '\\'): string[] {
  return lexWords(word, env, escape, true);
}

function lexWords(s: string, env: Lookup, escape: string, split: boolean): string[] {
  const words: string[] = [];
  let cur = '';
  let started = false;
  let k = 0;
  const flush = (): void => {
    if (started) words.push(cur);
    cur = '';
    started = false;
  };
  while (k < s.length) {
    const ch = s[k]!;
    if (split && /\s/.test(ch)) {
      flush();
      k++;
      continue;
    }
    started = true;
    if (ch === escape) {
      if (k + 1 < s.length) cur += s[k + 1];
      else cur += ch;
      k += 2;
    } else if (ch === "'") {
      const end = s.indexOf("'", k + 1);
      if (end < 0) throw invalidArgument(`unexpected end of statement while looking for matching single-quote`);
      cur += s.slice(k + 1, end);
      k = end + 1;
    } else if (ch === '"') {
      k++;
      for (;;) {
        if (k >= s.length) throw invalidArgument(`unexpected end of statement while looking for matching double-quote`);
        const c = s[k]!;
        if (c === '"') {
          k++;
          break;
        }
        if (c === escape && k + 1 < s.length && ['"', '$', escape].includes(s[k + 1]!)) {
          cur += s[k + 1];
          k += 2;
        } else if (c === '$') {
          const [v, next] = dollar(s, k, env, escape);
          cur += v;
          k = next;
        } else {
          cur += c;
          k++;
        }
      }
    } else if (ch === '$') {
      const [v, next] = dollar(s, k, env, escape);
      // Unquoted values split into words too (EXPOSE $PORTS), as the shell would.
      const parts = split ? v.split(/\s+/) : [v];
      cur += parts[0];
      for (const p of parts.slice(1)) {
        flush();
        cur = p;
        started = p !== '';
      }
      k = next;
    } else {
      cur += ch;
      k++;
    }
  }
  flush();
  return words;
}

/** Expands the `$…` at s[k]; returns the value and the index after it. */
function dollar(s: string, k: number, env: Lookup, escape: string): [string, number] {
  const next = s[k + 1];
  if (next === '{') {
    const close = matchingBrace(s, k + 2);
    const body = s.slice(k + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+)(?:(:?[-+?])(.*))?$/s.exec(body);
    if (m === null) throw invalidArgument(`failed to process "${s}": unsupported modifier in \${${body}}`);
    const value = env(m[1]!);
    const op = m[2];
    const arg = (): string => expandWord(m[3] ?? '', env, escape);
    let out = value ?? '';
    if (op !== undefined) {
      const unsetOrEmpty = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
      if (op.endsWith('-')) out = unsetOrEmpty ? arg() : value!;
      else if (op.endsWith('+')) out = unsetOrEmpty ? '' : arg();
      else if (unsetOrEmpty) throw invalidArgument(`failed to process "${s}": ${m[1]}: ${arg() || 'is not allowed to be unset'}`);
    }
    return [out, close + 1];
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(s.slice(k + 1));
  if (m === null) return ['$', k + 1];
  return [env(m[0]) ?? '', k + 1 + m[0].length];
}

function matchingBrace(s: string, from: number): number {
  let depth = 1;
  for (let k = from; k < s.length; k++) {
    if (s[k] === '{') depth++;
    else if (s[k] === '}' && --depth === 0) return k;
  }
  throw invalidArgument(`failed to process "${s}": missing '}'`);
}
