// Lexer for Go text/template syntax. It follows Go's parse/lex.go closely so
// that the same inputs fail with the same messages; the whole input is lexed
// up front and an 'error' token ends the stream where Go's lexer would stop.

import { quoteGo, unicodeName } from './error.js';

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'declare'
  | 'assign'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'char'
  | 'string'
  | 'rawString'
  | 'charConstant'
  | 'number'
  | 'bool'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'eof'
  | 'error'
  // keywords
  | 'dot'
  | 'nil'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'range'
  | 'template'
  | 'with'
  | 'block'
  | 'break'
  | 'continue';

export interface Token {
  type: TokenType;
  val: string;
  pos: number; // offset in the source, used for error locations
}

const KEYWORDS = new Set<TokenType>(['dot', 'nil', 'define', 'else', 'end', 'if', 'range', 'template', 'with', 'block', 'break', 'continue']);
const KEYWORD_WORDS = new Set(['nil', 'define', 'else', 'end', 'if', 'range', 'template', 'with', 'block', 'break', 'continue']);

/** Token rendering used in "unexpected X in Y" messages (Go's item.String). */
export function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (KEYWORDS.has(t.type)) return `<${t.val}>`;
  if ([...t.val].length > 10) return quoteGo([...t.val].slice(0, 10).join('')) + '...';
  return quoteGo(t.val);
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

/** `-` plus a space right after `{{` trims the text before the action. */
const hasLeftTrim = (s: string, i: number): boolean => s[i] === '-' && isSpace(s[i + 1]);
/** A space plus `-` right before `}}` trims the text after the action. */
const hasRightTrim = (s: string, i: number): boolean => isSpace(s[i]) && s[i + 1] === '-' && s.startsWith('}}', i + 2);

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let trimNext = false; // the previous action ended with " -}}"
  let parenDepth = 0;
  const emit = (type: TokenType, start: number, end = pos): void => {
    tokens.push({ type, val: src.slice(start, end), pos: start });
  };
  const fail = (msg: string, start: number): Token[] => {
    tokens.push({ type: 'error', val: msg, pos: start });
    return tokens;
  };
  const atTerminator = (): boolean => {
    const c = src[pos];
    return c === undefined || isSpace(c) || '.,|:)(}'.includes(c);
  };
  // Scans [.$]alnum*; a lone "." or "$" is the dot or root variable.
  const fieldOrVariable = (start: number, type: 'field' | 'variable'): string | null => {
    if (atTerminator()) {
      emit(type === 'field' ? 'dot' : 'variable', start);
      return null;
    }
    while (isAlnum(src[pos])) pos++;
    if (!atTerminator()) return `bad character ${unicodeName(String.fromCodePoint(src.codePointAt(pos)!))}`;
    emit(type, start);
    return null;
  };

  for (;;) {
    // Text up to the next "{{".
    if (trimNext) while (isSpace(src[pos])) pos++;
    trimNext = false;
    const open = src.indexOf('{{', pos);
    const textEnd = open < 0 ? src.length : open;
    let text = src.slice(pos, textEnd);
    if (open >= 0 && hasLeftTrim(src, open + 2)) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) tokens.push({ type: 'text', val: text, pos });
    if (open < 0) {
      tokens.push({ type: 'eof', val: '', pos: src.length });
      return tokens;
    }
    pos = open + 2;
    const afterMarker = hasLeftTrim(src, pos) ? 2 : 0;
    if (src.startsWith('/*', pos + afterMarker)) {
      // Comment: must be followed directly by the closing delimiter.
      const start = pos + afterMarker;
      const close = src.indexOf('*/', start + 2);
      if (close < 0) return fail('unclosed comment', start);
      pos = close + 2;
      if (hasRightTrim(src, pos)) {
        pos += 4;
        trimNext = true;
      } else if (src.startsWith('}}', pos)) pos += 2;
      else return fail('comment ends before closing delimiter', start);
      continue;
    }
    emit('leftDelim', open, open + 2);
    pos += afterMarker;
    parenDepth = 0;

    // Inside the action.
    for (;;) {
      const rightTrim = hasRightTrim(src, pos);
      if (rightTrim || src.startsWith('}}', pos)) {
        if (parenDepth > 0) return fail('unclosed left paren', pos);
        const start = pos;
        pos += rightTrim ? 4 : 2;
        trimNext = rightTrim;
        emit('rightDelim', start);
        break;
      }
      const start = pos;
      const c = src[pos];
      if (c === undefined) return fail('unclosed action', pos);
      pos++;
      if (isSpace(c)) {
        while (isSpace(src[pos])) pos++;
        // The last space may belong to a " -}}" trim marker.
        if (hasRightTrim(src, pos - 1)) pos--;
        if (pos > start) emit('space', start);
      } else if (c === ':') {
        if (src[pos] !== '=') return fail('expected :=', start);
        pos++;
        emit('declare', start);
      } else if (c === '=') emit('assign', start);
      else if (c === '|') emit('pipe', start);
      else if (c === '"' || c === "'") {
        for (;;) {
          const q = src[pos++];
          if (q === '\\' && src[pos] !== undefined && src[pos] !== '\n') pos++;
          else if (q === undefined || q === '\n' || q === '\\')
            return fail(c === '"' ? 'unterminated quoted string' : 'unterminated character constant', start);
          else if (q === c) break;
        }
        emit(c === '"' ? 'string' : 'charConstant', start);
      } else if (c === '`') {
        const close = src.indexOf('`', pos);
        if (close < 0) return fail('unterminated raw quoted string', start);
        pos = close + 1;
        emit('rawString', start);
      } else if (c === '$') {
        const err = fieldOrVariable(start, 'variable');
        if (err) return fail(err, start);
      } else if (c === '.' && !/[0-9]/.test(src[pos] ?? '')) {
        const err = fieldOrVariable(start, 'field');
        if (err) return fail(err, start);
      } else if (c === '.' || c === '+' || c === '-' || /[0-9]/.test(c)) {
        pos = start;
        if (!scanNumber()) return fail(`bad number syntax: ${quoteGo(src.slice(start, pos))}`, start);
        emit('number', start);
      } else if (isAlnum(c)) {
        while (isAlnum(src[pos])) pos++;
        const word = src.slice(start, pos);
        if (!atTerminator()) return fail(`bad character ${unicodeName(String.fromCodePoint(src.codePointAt(pos)!))}`, start);
        if (KEYWORD_WORDS.has(word)) emit(word as TokenType, start);
        else emit(word === 'true' || word === 'false' ? 'bool' : 'identifier', start);
      } else if (c === '(') {
        parenDepth++;
        emit('leftParen', start);
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${unicodeName(c)}`, start);
        emit('rightParen', start);
      } else if (c >= ' ' && c <= '~') emit('char', start);
      else {
        const ch = String.fromCodePoint(src.codePointAt(start)!);
        return fail(`unrecognized character in action: ${unicodeName(ch)}`, start);
      }
    }
  }

  // Go's scanNumber: sign, base prefix, digits, fraction, exponent, imaginary.
  function scanNumber(): boolean {
    const accept = (set: string): boolean => {
      if (src[pos] !== undefined && set.includes(src[pos]!)) {
        pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (set: string): void => {
      while (accept(set));
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlnum(src[pos])) {
      pos++;
      return false;
    }
    return true;
  }
}
