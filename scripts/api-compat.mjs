#!/usr/bin/env node
// Generates docs/api-compat.md from berthd's router: every Engine API v1.41 endpoint, and whether
// berth implements it or what it answers instead (src/api/routes/unsupported.ts).
//
//   node scripts/api-compat.mjs           # rewrites docs/api-compat.md (needs the build: dist/)
//   node scripts/api-compat.mjs --check   # exit 1 when the doc is out of date (a test runs this)
//
// The route modules are registered on a Router exactly as berthd does, with inert dependencies:
// registering a route touches no dependency, so the list is the router's own.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs', 'api-compat.md');

// Every endpoint of the Docker Engine API v1.41 (Docker 20.10), as listed by its reference:
// https://docs.docker.com/engine/api/v1.41/ (moby/moby docs/api/v1.41.yaml, `paths:`), in its order.
export const V141 = `
GET /containers/json
POST /containers/create
GET /containers/{id}/json
GET /containers/{id}/top
GET /containers/{id}/logs
GET /containers/{id}/changes
GET /containers/{id}/export
GET /containers/{id}/stats
POST /containers/{id}/resize
POST /containers/{id}/start
POST /containers/{id}/stop
POST /containers/{id}/restart
POST /containers/{id}/kill
POST /containers/{id}/update
POST /containers/{id}/rename
POST /containers/{id}/pause
POST /containers/{id}/unpause
POST /containers/{id}/attach
GET /containers/{id}/attach/ws
POST /containers/{id}/wait
DELETE /containers/{id}
HEAD /containers/{id}/archive
GET /containers/{id}/archive
PUT /containers/{id}/archive
POST /containers/prune
GET /images/json
POST /build
POST /build/prune
POST /images/create
GET /images/{name}/json
GET /images/{name}/history
POST /images/{name}/push
POST /images/{name}/tag
DELETE /images/{name}
GET /images/search
POST /images/prune
POST /auth
GET /info
GET /version
GET /_ping
HEAD /_ping
POST /commit
GET /events
GET /system/df
GET /images/{name}/get
GET /images/get
POST /images/load
POST /containers/{id}/exec
POST /exec/{id}/start
POST /exec/{id}/resize
GET /exec/{id}/json
GET /volumes
POST /volumes/create
GET /volumes/{name}
DELETE /volumes/{name}
POST /volumes/prune
GET /networks
GET /networks/{id}
DELETE /networks/{id}
POST /networks/create
POST /networks/{id}/connect
POST /networks/{id}/disconnect
POST /networks/prune
GET /plugins
GET /plugins/privileges
POST /plugins/pull
GET /plugins/{name}/json
DELETE /plugins/{name}
POST /plugins/{name}/enable
POST /plugins/{name}/disable
POST /plugins/{name}/upgrade
POST /plugins/create
POST /plugins/{name}/push
POST /plugins/{name}/set
GET /nodes
GET /nodes/{id}
DELETE /nodes/{id}
POST /nodes/{id}/update
GET /swarm
POST /swarm/init
POST /swarm/join
POST /swarm/leave
POST /swarm/update
GET /swarm/unlockkey
POST /swarm/unlock
GET /services
POST /services/create
GET /services/{id}
DELETE /services/{id}
POST /services/{id}/update
GET /services/{id}/logs
GET /tasks
GET /tasks/{id}
GET /tasks/{id}/logs
GET /secrets
POST /secrets/create
GET /secrets/{id}
DELETE /secrets/{id}
POST /secrets/{id}/update
GET /configs
POST /configs/create
GET /configs/{id}
DELETE /configs/{id}
POST /configs/{id}/update
GET /distribution/{name}/json
POST /session
`
  .trim()
  .split('\n');

/** An object that is every dependency at once: any property, any call, any await gives itself. */
function inert() {
  const f = function () {};
  const p = new Proxy(f, { get: (_, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : p), apply: () => p, construct: () => p });
  return p;
}

export async function routerRoutes() {
  const { Router } = await import(pathToFileURL(join(ROOT, 'dist/src/api/router.js')).href);
  const router = new Router();
  const dir = join(ROOT, 'dist/src/api/routes');
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.js'))
    .sort()) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    for (const [name, fn] of Object.entries(mod)) if (/Routes$/.test(name) && typeof fn === 'function') fn(router, inert());
  }
  const seen = new Set();
  return router
    .list()
    .map((r) => ({ method: r.method, path: r.path.replace('*', '') }))
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

export async function render() {
  const { UNSUPPORTED } = await import(pathToFileURL(join(ROOT, 'dist/src/api/routes/unsupported.js')).href);
  const notes = new Map(UNSUPPORTED.map((u) => [`${u.method} ${u.path.replace('*', '')}`, u.note]));
  const routes = new Set((await routerRoutes()).map((r) => `${r.method} ${r.path}`));
  // GET routes answer HEAD too (the router's rule), so HEAD endpoints count as routed with their GET.
  const routed = (e) => routes.has(e) || (e.startsWith('HEAD ') && routes.has(`GET ${e.slice(5)}`));
  const rows = V141.map((e) => [e, notes.has(e) ? `not implemented: ${notes.get(e)}` : routed(e) ? 'implemented' : 'MISSING: 404 page not found']);
  const extra = [...routes].filter((e) => !V141.includes(e) && !notes.has(e));
  const count = (w) => rows.filter(([, s]) => s.startsWith(w)).length;
  const lines = [
    '# Engine API v1.41: what berthd implements',
    '',
    "Generated by `node scripts/api-compat.mjs` from berthd's router (`src/api/routes/`); a test",
    '(`test/conformance/api-compat.test.ts`) fails when this page is out of date. The endpoint list is',
    'the Engine API v1.41 reference (docs.docker.com/engine/api/v1.41, moby `docs/api/v1.41.yaml`).',
    '',
    `${count('implemented')} of ${V141.length} endpoints implemented; ${count('not implemented')} answered with Docker's own`,
    'answer for an engine outside a swarm without plugins, or `501 Not Implemented` naming the endpoint;',
    `${count('MISSING')} unanswered. Create requests that set a HostConfig field berth does not implement get a`,
    '`400` naming the field (`src/api/unsupported-fields.ts`). Paths work with and without a `/v1.NN` prefix',
    '(1.24 to 1.41).',
    '',
    '| endpoint | berthd |',
    '| --- | --- |',
    ...rows.map(([e, s]) => `| \`${e}\` | ${s} |`),
  ];
  if (extra.length > 0) lines.push('', 'Routes berthd serves beyond the v1.41 list:', '', ...extra.map((e) => `- \`${e}\``));
  return { text: lines.join('\n') + '\n', missing: rows.filter(([, s]) => s.startsWith('MISSING')).map(([e]) => e) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { text, missing } = await render();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(DOC, 'utf8');
    } catch {
      // no doc yet
    }
    if (current !== text) {
      process.stderr.write('docs/api-compat.md is out of date: run `node scripts/api-compat.mjs`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, text);
    process.stdout.write(`wrote docs/api-compat.md${missing.length ? ` (unanswered: ${missing.join(', ')})` : ''}\n`);
  }
}
