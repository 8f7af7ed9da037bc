import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '../errdefs.js';
import { applyConfigInstruction } from './apply-config.js';
import { atLines, linesOf } from './errors.js';
import { parseDockerfile, parseLine } from './dockerfile.js';
import { expandWord, expandWords } from './expand.js';

const env =
  (vars: Record<string, string>) =>
  (n: string): string | undefined =>
    vars[n];
const parseFails = (text: string, message: string): void => {
  assert.throws(
    () => parseDockerfile(text),
    (err: unknown) => err instanceof BerthError && err.message === message,
  );
};

test('instructions are case-insensitive; comments, blank lines and continuations', () => {
  const df = parseDockerfile('# comment\nfrom busybox\n\nRun echo a \\\n  # inside\n\n  b\ncmd ["sh"]\n');
  assert.deepEqual(
    df.instructions.map((i) => [i.kind, i.line, i.original]),
    [
      ['from', 2, 'from busybox'],
      ['run', 4, 'Run echo a   b'],
      ['cmd', 8, 'cmd ["sh"]'],
    ],
  );
  const run = df.instructions[1]!;
  assert.ok(run.kind === 'run' && 'shell' in run.command && run.command.shell === 'echo a   b');
});

test('the escape directive, and # syntax= only warns', () => {
  const df = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo\n');
  assert.equal(df.escape, '`');
  assert.equal(df.warnings.length, 1);
  assert.equal(df.instructions[1]!.original, 'RUN dir c:\\   && echo');
  // A directive after an instruction is a comment.
  assert.equal(parseDockerfile('FROM busybox\n# escape=`\nRUN a \\\n b').escape, '\\');
  parseFails('# escape=x\nFROM busybox', "dockerfile parse error on line 1: invalid escape token 'x' does not match ` or \\");
});

test('JSON and shell forms', () => {
  const [cmd, ep, bad] = parseDockerfile('FROM x\nCMD ["a", "b c"]\nENTRYPOINT echo hi\nCMD [not json]\n').instructions.slice(1);
  assert.deepEqual(cmd!.kind === 'cmd' && cmd!.command, { json: ['a', 'b c'] });
  assert.deepEqual(ep!.kind === 'entrypoint' && ep!.command, { shell: 'echo hi' });
  assert.deepEqual(bad!.kind === 'cmd' && bad!.command, { shell: '[not json]' });
});

test('heredocs for RUN and COPY, with <<- and quoted delimiters', () => {
  const df = parseDockerfile('FROM x\nRUN <<EOF\necho a\necho b\nEOF\nCOPY <<-"END" /f\n\tliteral $x\n\tEND\nRUN echo done\n');
  const [, run, copy, last] = df.instructions;
  assert.ok(run!.kind === 'run');
  assert.deepEqual(run!.heredocs, [{ name: 'EOF', content: 'echo a\necho b\n', expand: true }]);
  assert.ok(copy!.kind === 'copy');
  assert.deepEqual(copy!.heredocs, [{ name: 'END', content: 'literal $x\n', expand: false }]);
  assert.deepEqual(copy!.sources, ['<<-"END"']);
  assert.equal(last!.line, 9);
  parseFails('FROM x\nRUN <<EOF\necho', 'dockerfile parse error on line 2: unterminated heredoc EOF');
});

test("errors carry the line number and Docker's message", () => {
  parseFails('FROM busybox\n\nRUNN echo', 'dockerfile parse error on line 3: unknown instruction: RUNN (did you mean run?)');
  parseFails('FROM busybox\nFOO bar', 'dockerfile parse error on line 2: unknown instruction: FOO');
  parseFails('FROM busybox\n\\', 'dockerfile parse error on line 2: unknown instruction: ');
  parseFails('FROM busybox\nRUN true\n  \\  \n', 'dockerfile parse error on line 3: unknown instruction: ');
  parseFails('FROM a b', 'dockerfile parse error on line 1: FROM requires either one or three arguments');
  parseFails(
    'FROM a\nCOPY onlyone',
    'dockerfile parse error on line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined.',
  );
  parseFails('FROM a\nSHELL /bin/bash', 'dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form');
  parseFails('FROM a\nCOPY --nope=1 a b', 'dockerfile parse error on line 2: Unknown flag: nope');
  parseFails('FROM a\nENV', 'dockerfile parse error on line 2: ENV requires at least one argument');
  parseFails('FROM a\nONBUILD ONBUILD RUN x', "dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
});

test('flags, stages and key=value pairs', () => {
  const [from, copy, envIns] = parseDockerfile(
    'FROM --platform=linux/amd64 busybox AS Build\nCOPY --from=build --chown=1:2 a b /d/\nENV A=1 B="two words" C\\ D=e\n',
  ).instructions;
  assert.deepEqual(from!.kind === 'from' && [from!.image, from!.stage, from!.flags], ['busybox', 'build', { platform: 'linux/amd64' }]);
  assert.deepEqual(copy!.kind === 'copy' && [copy!.sources, copy!.dest, copy!.flags], [['a', 'b'], '/d/', { from: 'build', chown: '1:2' }]);
  assert.deepEqual(envIns!.kind === 'env' && envIns!.pairs, [
    ['A', '1'],
    ['B', '"two words"'],
    ['C\\ D', 'e'],
  ]);
  const legacy = parseLine('ENV NAME some value');
  assert.deepEqual(legacy.kind === 'env' && legacy.pairs, [['NAME', 'some value']]);
});

test('variable substitution', () => {
  const vars = env({ a: 'x', empty: '', sp: 'one two' });
  assert.equal(expandWord('$a ${a} ${b:-def} ${empty:-e} ${empty-e} ${a:+set} ${b:+set}', vars), 'x x def e  set ');
  assert.equal(expandWord('\'$a\' "$a" \\$a', vars), '$a x $a');
  assert.equal(expandWord('${b:-${a}y}', vars), 'xy');
  assert.deepEqual(expandWords('$sp "$sp" 80/tcp', vars), ['one', 'two', 'one two', '80/tcp']);
  assert.throws(() => expandWord('${b:?must be set}', vars), /b: must be set/);
  assert.equal(expandWord('price: $5', vars), 'price: ');
  assert.equal(expandWord('a$', vars), 'a$');
});

test('config instructions as Docker applies them', () => {
  const cfg = { Cmd: ['sh'], Env: ['PATH=/bin'] };
  const ctx = { env: (n: string) => (n === 'PATH' ? '/bin' : undefined), escape: '\\', cmdSet: false };
  for (const l of [
    'ENTRYPOINT ["top"]',
    'ENV P=$PATH:/x',
    'EXPOSE 80 8000-8001/udp',
    'WORKDIR /a',
    'WORKDIR b',
    'HEALTHCHECK --interval=1m30s --retries=3 CMD ["true"]',
    'VOLUME ["/v"]',
    'LABEL "k"="v w"',
  ]) {
    applyConfigInstruction(cfg, parseLine(l), ctx);
  }
  assert.deepEqual(cfg, {
    Cmd: null,
    Entrypoint: ['top'],
    Env: ['PATH=/bin', 'P=/bin:/x'],
    ExposedPorts: { '80/tcp': {}, '8000/udp': {}, '8001/udp': {} },
    WorkingDir: '/a/b',
    Healthcheck: { Test: ['CMD', 'true'], Interval: 90e9, Retries: 3 },
    Volumes: { '/v': {} },
    Labels: { k: 'v w' },
  });
  const withCmd = { Cmd: ['old'] };
  const ctx2 = { env: () => undefined, escape: '\\', cmdSet: false };
  applyConfigInstruction(withCmd, parseLine('CMD echo new'), ctx2);
  applyConfigInstruction(withCmd, parseLine('ENTRYPOINT ["e"]'), ctx2);
  assert.deepEqual(withCmd, { Cmd: ['/bin/sh', '-c', 'echo new'], Entrypoint: ['e'] }, 'a CMD set in this stage survives ENTRYPOINT');
});

test('COPY --exclude repeats: every value is kept, in order', () => {
  const df = parseDockerfile('FROM scratch\nCOPY --exclude=*.log --link --exclude=dir/*.tmp . /app/\n');
  const copy = df.instructions[1]!;
  assert.ok(copy.kind === 'copy');
  assert.deepEqual(copy.excludes, ['*.log', 'dir/*.tmp']);
  assert.equal(copy.flags.link, 'true');
  assert.deepEqual(copy.sources, ['.']);
});

test("an instruction's lines, continuations and here-documents included, and a parse error's lines (BuildKit's error source)", () => {
  const df = parseDockerfile('FROM busybox\nRUN echo a \\\n  b\nRUN <<EOF\necho c\nEOF\nCMD ["sh"]\n');
  assert.deepEqual(
    df.instructions.map((i) => [i.kind, i.line, i.endLine]),
    [
      ['from', 1, 1],
      ['run', 2, 3],
      ['run', 4, 6],
      ['cmd', 7, 7],
    ],
  );
  let caught: unknown;
  try {
    parseDockerfile('FROM busybox\nCOPY \\\n  onlyone\n');
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof BerthError, String(caught));
  assert.deepEqual(linesOf(caught), { start: 2, end: 3 });
  const wrapped = new Error('outer', { cause: atLines(new Error('inner'), 5, 6) });
  assert.deepEqual(linesOf(wrapped), { start: 5, end: 6 }, 'found through causes');
  assert.deepEqual(linesOf(atLines(atLines(new Error('x'), 1), 9)), { start: 1, end: 1 }, 'the innermost mark wins');
  assert.equal(linesOf(new Error('none')), undefined);
});
