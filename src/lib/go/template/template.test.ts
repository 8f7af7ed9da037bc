import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate, renderTemplate, TemplateError } from './template.js';

const container = {
  ID: 'abc123',
  Name: 'web',
  Names: ['web', 'frontend', 'edge'],
  Labels: { 'com.example': 'yes', 'com.docker.compose.project': 'shop' },
  State: { Status: 'running', Pid: 4242, Running: true, ExitCode: 0 },
  Mounts: [] as unknown[],
  Size: 1.5,
  Count: 1000000,
  Html: '<a&b>',
  Nothing: null,
};

const r = (src: string, data: unknown = container): string => renderTemplate(src, data);

/** Asserts the template fails with exactly this message. */
function fails(src: string, message: string, data: unknown = container): void {
  assert.throws(
    () => r(src, data),
    (e: unknown) => {
      assert.ok(e instanceof TemplateError, `expected TemplateError, got ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

describe('text, actions and fields', () => {
  it('copies text and substitutes fields', () => {
    assert.equal(r('id={{.ID}} name={{.Name}}'), 'id=abc123 name=web');
    assert.equal(r('no actions at all'), 'no actions at all');
    assert.equal(r(''), '');
  });

  it('follows field chains', () => {
    assert.equal(r('{{.State.Pid}}'), '4242');
    assert.equal(r('{{.State.Status}}/{{.State.Running}}'), 'running/true');
  });

  it('prints <no value> for missing fields and fields of null', () => {
    assert.equal(r('{{.Missing}}'), '<no value>');
    assert.equal(r('{{.Missing.Deeper}}'), '<no value>');
    assert.equal(r('{{.Nothing.Deeper}}'), '<no value>');
    assert.equal(r('{{.Nothing}}'), '<nil>');
  });

  it('does not expose Object.prototype members as fields', () => {
    assert.equal(r('{{.constructor}}'), '<no value>');
  });

  it('calls function-valued properties as methods, with arguments', () => {
    class Ctx {
      ID(): string {
        return 'c1';
      }
      Label(k: string): string {
        return k === 'a' ? 'A' : '';
      }
    }
    assert.equal(r('{{.ID}} {{.Label "a"}} [{{.Label "b"}}]', new Ctx()), 'c1 A []');
  });

  it('supports . and $', () => {
    assert.equal(r('{{.}}', 'plain'), 'plain');
    assert.equal(r('{{range .Names}}{{$.ID}}:{{.}} {{end}}'), 'abc123:web abc123:frontend abc123:edge ');
  });
});

describe('value printing (fmt %v)', () => {
  it('prints scalars like Go', () => {
    assert.equal(r('{{.}}', 42), '42');
    assert.equal(r('{{.}}', 1.5), '1.5');
    assert.equal(r('{{.}}', true), 'true');
    assert.equal(r('{{.}}', null), '<nil>');
    assert.equal(r('{{.Count}}'), '1000000'); // integers never switch to exponent form
    assert.equal(r('{{.}}', 123456789.5), '1.234567895e+08');
    assert.equal(r('{{.}}', 0.00001), '1e-05');
  });

  it('prints arrays and objects with sorted keys', () => {
    assert.equal(r('{{.Names}}'), '[web frontend edge]');
    assert.equal(r('{{.}}', { b: 2, a: [1, null], c: { d: 'x' } }), 'map[a:[1 <nil>] b:2 c:map[d:x]]');
    assert.equal(r('{{.Mounts}} {{.}}', { Mounts: [] }), '[] map[Mounts:[]]');
  });
});

describe('trim markers and comments', () => {
  it('trims whitespace around {{- and -}}', () => {
    assert.equal(r('a  \n {{- .Name -}} \n\t b'), 'awebb');
    assert.equal(r('a {{- .Name}} b'), 'aweb b');
    assert.equal(r('a {{.Name -}} b'), 'a webb');
    assert.equal(r('{{range .Names -}}\n  {{.}}\n{{- end}}'), 'webfrontendedge');
  });

  it('does not mistake negative numbers for trim markers', () => {
    assert.equal(r('{{-3}}'), '-3');
    assert.equal(r('{{- -3 -}}'), '-3');
  });

  it('drops comments, with or without trim markers', () => {
    assert.equal(r('a{{/* a comment */}}b'), 'ab');
    assert.equal(r('a {{- /* trimmed */ -}} b'), 'ab');
    assert.equal(r('{{/* multi\nline */}}ok'), 'ok');
  });
});

describe('literals', () => {
  it('decodes strings, raw strings, numbers, booleans and chars', () => {
    assert.equal(r('{{"tab\\there"}}'), 'tab\there');
    assert.equal(r('{{"\\u00e9\\x41\\101\\""}}'), 'éAA"');
    assert.equal(r('{{`raw \\n stays`}}'), 'raw \\n stays');
    assert.equal(r('{{42}} {{-7}} {{1.25}} {{0x1F}} {{0o17}} {{017}} {{1_000}}'), '42 -7 1.25 31 15 15 1000');
    assert.equal(r('{{true}} {{false}}'), 'true false');
    assert.equal(r("{{'a'}}"), '97');
  });

  it('passes nil to functions', () => {
    assert.equal(r('{{print nil}}'), '<nil>');
  });
});

describe('pipelines and variables', () => {
  it('feeds the previous value as the last argument', () => {
    assert.equal(r('{{.Name | printf "%s!"}}'), 'web!');
    assert.equal(r('{{.Names | len | printf "%03d"}}'), '003');
    assert.equal(r('{{"x" | eq "x"}}'), 'true');
  });

  it('evaluates parenthesised pipelines and chains on them', () => {
    assert.equal(r('{{printf "%s-%s" (index .Names 1) (upper .Name)}}'), 'frontend-WEB');
    assert.equal(r('{{(.State).Pid}}'), '4242');
  });

  it('declares and assigns variables, scoped to their block', () => {
    assert.equal(r('{{$x := .Name}}{{$x}}'), 'web');
    assert.equal(r('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}'), '2');
    assert.equal(r('{{with $s := .State}}{{$s.Pid}}{{end}}'), '4242');
    fails('{{if true}}{{$y := 3}}{{end}}{{$y}}', 'template: :1: undefined variable "$y"');
  });

  it('a declaration prints nothing', () => {
    assert.equal(r('[{{$x := .Name}}]'), '[]');
  });
});

describe('control structures', () => {
  it('if / else if / else', () => {
    assert.equal(r('{{if eq .State.Status "running"}}up{{else}}down{{end}}'), 'up');
    assert.equal(r('{{if eq .State.Status "running"}}up{{else}}down{{end}}', { State: { Status: 'exited' } }), 'down');
    const chain = '{{if eq .N 1}}one{{else if eq .N 2}}two{{else}}many{{end}}';
    assert.deepEqual(
      [1, 2, 3].map((N) => r(chain, { N })),
      ['one', 'two', 'many'],
    );
  });

  it('uses Go truthiness', () => {
    const falsy = [false, 0, '', null, [], {}];
    const truthy = [true, 1, 'x', [0], { a: 0 }];
    for (const v of falsy) assert.equal(r('{{if .}}T{{else}}F{{end}}', v), 'F', JSON.stringify(v));
    for (const v of truthy) assert.equal(r('{{if .}}T{{else}}F{{end}}', v), 'T', JSON.stringify(v));
    assert.equal(r('{{if .Missing}}T{{else}}F{{end}}'), 'F');
  });

  it('range over arrays, with index and element variables', () => {
    assert.equal(r('{{range .Names}}{{.}},{{end}}'), 'web,frontend,edge,');
    assert.equal(r('{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}'), '0=web 1=frontend 2=edge ');
    assert.equal(r('{{range $e := .Names}}{{$e}};{{end}}'), 'web;frontend;edge;');
  });

  it('range over objects iterates sorted keys', () => {
    assert.equal(r('{{range $k, $v := .}}{{$k}}={{$v}};{{end}}', { b: 2, a: 1, c: 3 }), 'a=1;b=2;c=3;');
    assert.equal(r('{{range .}}{{.}}{{end}}', { b: 2, a: 1 }), '12');
  });

  it('range else runs for empty, null or missing collections', () => {
    assert.equal(r('{{range .Mounts}}x{{else}}none{{end}}'), 'none');
    assert.equal(r('{{range .Nothing}}x{{else}}none{{end}}'), 'none');
    assert.equal(r('{{range .Missing}}x{{else}}none{{end}}'), 'none');
  });

  it('range break and continue', () => {
    assert.equal(r('{{range .Names}}{{if eq . "frontend"}}{{break}}{{end}}{{.}}{{end}}'), 'web');
    assert.equal(r('{{range .Names}}{{if eq . "frontend"}}{{continue}}{{end}}{{.}}{{end}}'), 'webedge');
  });

  it('range over an integer counts from zero', () => {
    assert.equal(r('{{range 3}}{{.}}{{end}}'), '012');
  });

  it('with sets dot, else when empty', () => {
    assert.equal(r('{{with .State}}{{.Status}}{{end}}'), 'running');
    assert.equal(r('{{with .Missing}}x{{else}}none{{end}}'), 'none');
    assert.equal(r('{{with .Missing}}x{{else with .Name}}{{.}}{{end}}'), 'web');
  });

  it('define, template and block', () => {
    assert.equal(r('{{define "item"}}[{{.}}]{{end}}{{range .Names}}{{template "item" .}}{{end}}'), '[web][frontend][edge]');
    assert.equal(r('{{template "t"}}{{define "t"}}static{{end}}'), 'static');
    assert.equal(r('{{block "b" .ID}}<{{.}}>{{end}}'), '<abc123>');
    fails('{{template "nope"}}', 'template: :1:11: executing "" at <{{template "nope"}}>: template "nope" not defined');
  });
});

describe('builtin functions', () => {
  it('and / or return the deciding value and short-circuit', () => {
    assert.equal(r('{{and 1 0 2}} {{and 1 2}} {{or 0 "" "z"}} {{or 0 ""}}'), '0 2 z ');
    assert.equal(r('{{or .Missing "default"}}'), 'default');
    // the failing call to index is never evaluated
    assert.equal(r('{{or .Name (index .Names 99)}}'), 'web');
    assert.equal(r('{{if and .State.Running (eq .Name "web")}}yes{{end}}'), 'yes');
  });

  it('not and len', () => {
    assert.equal(r('{{not 0}} {{not .Name}}'), 'true false');
    assert.equal(r('{{len .Names}} {{len .Labels}} {{len .Name}} {{len .Nothing}}'), '3 2 3 0');
    assert.equal(r('{{len "é"}}'), '2'); // bytes, like Go
  });

  it('index on maps, arrays and nested keys', () => {
    assert.equal(r('{{index .Labels "com.example"}}'), 'yes');
    assert.equal(r('{{index .Names 1}}'), 'frontend');
    assert.equal(r('{{index . "a" 1 "b"}}', { a: [0, { b: 'deep' }] }), 'deep');
    // a missing key gives the map's zero value: "" for a map of strings
    assert.equal(r('[{{index .Labels "nope"}}]'), '[]');
    fails('{{index .Names 5}}', 'template: :1:2: executing "" at <index .Names 5>: error calling index: index out of range: 5');
  });

  it('slice', () => {
    assert.equal(r('{{slice .Name 1}} {{slice .Name 0 2}} {{slice .Names 1 3}}'), 'eb we [frontend edge]');
  });

  it('print and println', () => {
    assert.equal(r('{{print "a" "b" 1 2 "c"}}'), 'ab1 2c');
    assert.equal(r('{{println "a" 1}}'), 'a 1\n');
  });

  it('printf verbs, widths and precisions', () => {
    assert.equal(r('{{printf "%s-%d" .Name 3}}'), 'web-3');
    assert.equal(r('{{printf "%v|%q|%t|%x|%X|%o|%b|%c" .Names "a\\"b" true 255 255 8 5 65}}'), '[web frontend edge]|"a\\"b"|true|ff|FF|10|101|A');
    assert.equal(r('{{printf "%f|%.2f|%6.1f|%e|%g" 3.14159 3.14159 3.14159 1234.5678 0.5}}'), '3.141590|3.14|   3.1|1.234568e+03|0.5');
    assert.equal(r('{{printf "[%5s][%-10s][%05d][%+d][%.2s]" "ab" "left" 42 7 "xyz"}}'), '[   ab][left      ][00042][+7][xy]');
    assert.equal(r('{{printf "%x %d%%" "hi" 50}}'), '6869 50%');
  });

  it('printf reports bad verbs, missing and extra arguments like Go', () => {
    assert.equal(r('{{printf "%d" "x"}}'), '%!d(string=x)');
    assert.equal(r('{{printf "%s %s" "x"}}'), 'x %!s(MISSING)');
    assert.equal(r('{{printf "%s" "x" 2}}'), 'x%!(EXTRA int=2)');
    assert.equal(r('{{printf "%s" .Missing}}'), '%!s(<nil>)');
  });

  it('eq with several arguments, ne and ordering', () => {
    assert.equal(r('{{eq .Name "x" "web"}} {{eq .Name "x" "y"}} {{eq 1 1}}'), 'true false true');
    assert.equal(r('{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}'), 'true true true true false');
    assert.equal(r('{{eq .Missing nil}} {{eq .Name nil}}'), 'true false');
    fails('{{eq 1 "a"}}', 'template: :1:2: executing "" at <eq 1 "a">: error calling eq: incompatible types for comparison');
    fails('{{lt true false}}', 'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison');
  });

  it('html, js and urlquery escaping', () => {
    assert.equal(r('{{html .Html}}'), '&lt;a&amp;b&gt;');
    assert.equal(r(`{{js "it's <x>"}}`), "it\\'s \\u003Cx\\u003E");
    assert.equal(r('{{urlquery "a b&c/d"}}'), 'a+b%26c%2Fd');
  });

  it('reports wrong argument counts', () => {
    fails('{{len}}', 'template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 0');
  });
});

describe('docker CLI functions', () => {
  it('json encodes compactly, keeping key order and not escaping HTML (SetEscapeHTML(false))', () => {
    assert.equal(r('{{json .State}}'), '{"Status":"running","Pid":4242,"Running":true,"ExitCode":0}');
    assert.equal(r('{{json .}}', { a: [1, 'x', null], b: { c: true } }), '{"a":[1,"x",null],"b":{"c":true}}');
    assert.equal(r('{{json .Html}}'), '"<a&b>"');
    assert.equal(r('{{json .Missing}} {{json .Nothing}}'), 'null null');
  });

  it('split and join', () => {
    assert.equal(r('{{join .Names ","}}'), 'web,frontend,edge');
    assert.equal(r('{{split "a:b:c" ":"}}'), '[a b c]');
    assert.equal(r('{{index (split "nginx:1.25" ":") 1}}'), '1.25');
    assert.equal(r('{{join (split "a b" " ") "+"}}'), 'a+b');
  });

  it('title, lower, upper', () => {
    assert.equal(r('{{title "hello wide-world"}}'), 'Hello Wide-World');
    assert.equal(r('{{lower "MiXed"}} {{upper .Name}}'), 'mixed WEB');
  });

  it('pad and truncate', () => {
    assert.equal(r('[{{pad "x" 2 3}}]'), '[  x   ]');
    assert.equal(r('[{{pad "" 2 3}}]'), '[]'); // docker leaves empty strings alone
    assert.equal(r('{{truncate .ID 3}} {{truncate "ab" 5}}'), 'abc ab');
  });

  it('header mode returns column titles untouched', () => {
    const header = { ID: 'CONTAINER ID', Names: 'NAMES' };
    const t = parseTemplate('{{json .ID}}\t{{upper .Names}}\t{{truncate .ID 3}}', { header: true });
    assert.equal(t.execute(header), 'CONTAINER ID\tNAMES\tCONTAINER ID');
  });
});

describe('errors', () => {
  it('rejects syntax errors at parse time with Go messages', () => {
    const parseFails = (src: string, message: string): void => {
      assert.throws(
        () => parseTemplate(src),
        (e: unknown) => e instanceof TemplateError && e.message === message,
      );
    };
    parseFails('{{.Name}', 'template: :1: unexpected "}" in operand');
    parseFails('{{if .A}}x', 'template: :1: unexpected EOF');
    parseFails('{{end}}', 'template: :1: unexpected {{end}}');
    parseFails('{{.A', 'template: :1: unclosed action');
    parseFails('{{"abc}}', 'template: :1: unexpected unterminated quoted string in command');
    parseFails('{{if}}{{end}}', 'template: :1: missing value for if');
    parseFails('{{.A | "x"}}', 'template: :1: non executable command in pipeline stage 2');
    parseFails('{{break}}', 'template: :1: {{break}} outside {{range}}');
    parseFails('line1\n{{else}}', 'template: :2: unexpected {{else}}');
  });

  it('rejects unknown functions at parse time', () => {
    assert.throws(() => parseTemplate('{{foo .Name}}'), { name: 'TemplateError', message: 'template: :1: function "foo" not defined' });
  });

  it('reports execution errors with location and context', () => {
    fails('{{.Name}} {{.Name.Foo}}', 'template: :1:12: executing "" at <.Name.Foo>: can\'t evaluate field Foo in type string');
    fails('x\n  {{.Names.Foo}}', 'template: :2:4: executing "" at <.Names.Foo>: can\'t evaluate field Foo in type []interface {}');
    fails('{{.Name 1}}', 'template: :1:2: executing "" at <.Name>: Name is not a method but has arguments');
    // long contexts are cut at 20 characters, as Go does
    fails('{{lt "a long string value" 3}}', 'template: :1:2: executing "" at <lt "a long string va...>: error calling lt: incompatible types for comparison');
    fails('{{nil}}', 'template: :1:2: executing "" at <nil>: nil is not a command');
    fails('{{range .Name}}{{end}}', 'template: :1:8: executing "" at <.Name>: range can\'t iterate over web');
  });

  it('a parsed template can be executed repeatedly', () => {
    const t = parseTemplate('{{.ID}}:{{len .Names}}');
    assert.equal(t.execute(container), 'abc123:3');
    assert.equal(t.execute({ ID: 'x', Names: [] }), 'x:0');
  });
});
