import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The layer rules of docs/architecture.md, enforced: imports point down.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Which top-level folders (or api subfolders) each layer may import from: test/layers.json, the one table (eslint.config.js reads it too). */
const LAYERS = JSON.parse(readFileSync(resolve(SRC, '..', 'test', 'layers.json'), 'utf8')) as {
  allowed: Record<string, string[]>;
  closed: Record<string, string>;
  entered: Record<string, string>;
};
const ALLOWED = LAYERS.allowed;

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) yield p;
  }
}

test('imports point down the layers', () => {
  const violations: string[] = [];
  for (const file of tsFiles(SRC)) {
    const layer = relative(SRC, file).split('/')[0]!;
    const allowed = ALLOWED[layer];
    assert.ok(allowed, `no layer rule for src/${layer}`);
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(file), m[1]!));
      if (!allowed.some((a) => target === a || target.startsWith(`${a}/`) || target.startsWith(`${a}.`))) {
        violations.push(`${relative(SRC, file)} imports ${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

for (const [folder, what] of Object.entries(LAYERS.closed)) {
  test(`${folder} (${what})`, () => {
    const dir = join(SRC, folder);
    const violations: string[] = [];
    for (const file of tsFiles(dir)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        if (relative(dir, resolve(dirname(file), m[1]!)).startsWith('..')) violations.push(`${relative(SRC, file)} imports ${m[1]}`);
      }
    }
    assert.deepEqual(violations, []);
  });
}

for (const [folder, entry] of Object.entries(LAYERS.entered)) {
  if (folder.startsWith('$')) continue;
  test(`${folder} is imported only by ${entry} (and within each of its folders)`, () => {
    const violations: string[] = [];
    for (const file of tsFiles(SRC)) {
      const from = relative(SRC, file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(SRC, resolve(dirname(file), m[1]!));
        if (!target.startsWith(`${folder}/`) || from === entry || dirname(from) === dirname(target)) continue;
        violations.push(`${from} imports ${target}`);
      }
    }
    assert.deepEqual(violations, []);
  });
}

/** Folder → the folders its files import (every directory under src/ is a node; tests left out). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of tsFiles(SRC)) {
    const from = relative(SRC, dirname(file));
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = relative(SRC, dirname(resolve(dirname(file), m[1]!)));
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle's folders, found by a depth-first search (each cycle reported once, from where it was entered). */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

test('the layers allow one direction only (the table has no cycle)', () => {
  const graph = new Map(
    Object.entries(ALLOWED).map(([layer, to]) => [layer, new Set(to.filter((t) => t !== layer && !t.startsWith(`${layer}/`)).map((t) => t.split('/')[0]!))]),
  );
  assert.deepEqual(cycles(graph), []);
});

test('no two folders import each other, directly or round a loop', () => {
  assert.deepEqual(cycles(folderGraph()), []);
});

/** Every directory under src/ (src itself left out), as paths relative to src/. */
function* folders(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    yield relative(SRC, p);
    yield* folders(p);
  }
}

test('every folder under src/ has a README.md: its path as the title (src/<path>), what lives there, a May import line', () => {
  const problems: string[] = [];
  for (const folder of folders(SRC)) {
    let text: string;
    try {
      text = readFileSync(join(SRC, folder, 'README.md'), 'utf8');
    } catch {
      problems.push(`src/${folder}: no README.md`);
      continue;
    }
    const lines = text.split('\n');
    if (lines[0] !== `# src/${folder}`) problems.push(`src/${folder}/README.md: first line is not "# src/${folder}"`);
    if (!lines.some((l) => l.startsWith('May import: '))) problems.push(`src/${folder}/README.md: no "May import:" line`);
  }
  assert.deepEqual(problems, []);
});

/** The relative imports of every non-test file under `dir`, as paths relative to src. */
function importsUnder(dir: string): Array<{ file: string; target: string }> {
  const out: Array<{ file: string; target: string }> = [];
  for (const file of tsFiles(join(SRC, dir))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      out.push({ file: relative(SRC, file), target: relative(SRC, resolve(dirname(file), m[1]!)) });
    }
  }
  return out;
}

test('networks own the sandbox and its /etc files: services/networks imports nothing of services/containers', () => {
  const violations = importsUnder('services/networks').filter((i) => i.target.startsWith('services/containers/'));
  assert.deepEqual(violations, []);
});

test('the supervisor reacts to the verbs, never the other way: only supervisor/ and daemon/ import services/containers/supervisor', () => {
  const supervisor = 'services/containers/supervisor/';
  const violations = importsUnder('.').filter((i) => i.target.startsWith(supervisor) && !i.file.startsWith(supervisor) && !i.file.startsWith('daemon/'));
  assert.deepEqual(violations, []);
});

test('container use cases name the runtime roles they use: only deps.ts holds the whole ContainerRuntime', () => {
  const violations: string[] = [];
  for (const file of tsFiles(join(SRC, 'services'))) {
    if (/\bContainerRuntime\b/.test(readFileSync(file, 'utf8')) && relative(SRC, file) !== 'services/containers/deps.ts') violations.push(relative(SRC, file));
  }
  assert.deepEqual(violations, []);
});
