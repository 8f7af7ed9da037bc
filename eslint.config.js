// ESLint (flat config) for berth: `npm run lint` runs it with `prettier --check` (formatting is
// Prettier's job, so no stylistic rule is on here). Type-aware only where it pays: an unhandled
// rejection in berthd is an outage, so no-floating-promises and no-misused-promises read types.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOT = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(ROOT, 'src');
/** The layer table, shared with test/architecture.test.ts (see docs/architecture.md). */
const LAYERS = JSON.parse(readFileSync(resolve(ROOT, 'test', 'layers.json'), 'utf8'));

/**
 * layers/imports-point-down: a relative import from src/<layer>/… may reach only the folders
 * test/layers.json allows that layer, and a closed folder (lib/go) nothing outside itself. A rule
 * of our own rather than no-restricted-imports patterns: those match the import string, and
 * `../../services/x` means a different folder at every depth of the importing file.
 */
const importsPointDown = {
  meta: {
    type: 'problem',
    docs: { description: 'imports point down the layers of test/layers.json' },
    schema: [],
    messages: {
      up: 'src/{{layer}} may not import {{target}} (allowed: {{allowed}}; see test/layers.json)',
      closed: '{{folder}} imports only itself: {{target}} is outside it',
      unknown: 'no layer rule for src/{{layer}} in test/layers.json',
    },
  },
  create(context) {
    const file = context.filename;
    const rel = relative(SRC, file);
    if (rel.startsWith('..') || file.endsWith('.test.ts')) return {};
    const layer = rel.split('/')[0];
    const allowed = LAYERS.allowed[layer];
    const closed = Object.keys(LAYERS.closed).filter((f) => rel.startsWith(`${f}/`));
    const check = (source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const abs = resolve(dirname(file), source.value);
      const target = relative(SRC, abs);
      if (!allowed) {
        context.report({ node: source, messageId: 'unknown', data: { layer } });
        return;
      }
      if (!allowed.some((a) => target === a || target.startsWith(`${a}/`) || target.startsWith(`${a}.`))) {
        context.report({ node: source, messageId: 'up', data: { layer, target, allowed: allowed.join(', ') } });
      }
      for (const folder of closed) {
        if (relative(resolve(SRC, folder), abs).startsWith('..')) context.report({ node: source, messageId: 'closed', data: { folder, target } });
      }
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      // Each file is checked with its own tsconfig (web/ has one of its own).
      parserOptions: { projectService: true, tsconfigRootDir: ROOT },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js', '**/*.cjs'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc (noUnusedLocals) reports unused locals already; ESLint adds unused parameters and
      // caught errors, which here name the shape of a callback. `_x` marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true, varsIgnorePattern: '^_' }],
      // Control characters in regexes are deliberate here (terminal escapes, tar headers, log lines).
      'no-control-regex': 'off',
      // `while (true)` with a return or break inside is how the readers and parsers loop.
      'no-constant-condition': ['error', { checkLoops: false }],
      // A destructuring where one name is reassigned stays `let`; a variable that closures read
      // before its one assignment (a session connected later) cannot be a const.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { layers: { rules: { 'imports-point-down': importsPointDown } } },
    rules: { 'layers/imports-point-down': 'error' },
  },
  {
    // Plain JavaScript (scripts/, bench/, this file, web/vite.config.mjs) runs on Node.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      // Node's own globals, as the Node running ESLint has them.
      globals: Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly'])),
    },
  },
  {
    // CommonJS files load with require(); that is what they are for.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
