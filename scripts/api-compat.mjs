#!/usr/bin/env node
// Generates docs/api-compat.md from berthd's router: every Engine API v1.41 endpoint (and those added
// since), whether berth implements it or what it answers instead (src/api/routes/unsupported.ts), and
// per API version range what changes (the version table, src/api/versions.ts).
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

// Endpoints added after v1.41 (moby api/docs/CHANGELOG.md), by the version that added them.
export const NEWER = [
  ['PUT /volumes/{name}', '1.42'],
  ['GET /images/{name}/attestations', '1.55'],
];

// Entries of the version history from 1.42 on that berth does not gate, and why: the change is
// unversioned (Docker made it for every version), has no meaning on this host (answered as Docker
// answers without that feature), or is being built in another part of berth.
export const NOT_GATED = [
  [
    '1.42',
    'df concurrent, `platform` with `fromSrc`, `Builder-Version`/`Swarm` ping headers, 400 on a bad wait `condition`',
    'unversioned in Docker: the same at every version',
  ],
  ['1.42', 'ClusterVolume, `PUT /volumes/{name}`', 'swarm (503 outside a swarm)'],
  ['1.42', '`attach/ws` `stdin`/`stdout`/`stderr`', 'websocket attach is not implemented (501)'],
  ['1.42', '`shared-size` on `GET /images/json`', 'image list (images)'],
  ['1.43', '`HostConfig.Annotations`', 'not implemented; the field is ignored at every version'],
  ['1.43', '`no-new-privileges` in `SecurityOptions`', 'unversioned'],
  [
    '1.44',
    '`until` image filter, 400 on bad IPAM config, validation at create, `CheckDuplicate` deprecated (duplicate names always 409)',
    'unversioned in Docker: the same at every version',
  ],
  ['1.44', '`is-automated` search filter, `is_automated`', 'registry search is not implemented (501)'],
  ['1.44', 'Runtimes `status` in `/info`', 'left out (Docker leaves it out when a runtime reports none)'],
  ['1.44', 'image `Created` omitted when missing', 'image shapes (images)'],
  ['1.46', '`Containerd` in `/info`', 'left out: berth has no containerd'],
  ['1.46', 'endpoint `DriverOpts` sysctls, `HostConfig.Annotations` in `GET /containers/json`, tmpfs `Options`', 'not implemented'],
  ['1.46', '`platform` on push, image `Config` deprecated fields', 'images'],
  ['1.47', 'bridge-nf-call warnings in `/info`', 'unversioned: never sent'],
  ['1.47', '`Manifests` in `GET /images/json`', 'images'],
  ['1.48', '`Descriptor`, `Manifests`, history/load/save `platform`, `ImageManifestDescriptor`', 'images'],
  ['1.48', '`VolumeDriver` warning with `Mounts`', 'containers (VolumeDriver is refused unless `local`)'],
  ['1.48', '`reserved-space`, `max-used-space`, `min-free-space` on `POST /build/prune`', 'builder'],
  ['1.48', 'versioned `/debug/*` paths', 'berthd has no debug endpoints'],
  ['1.49', '`platform` on image inspect', 'images'],
  ['1.50', '`DiscoveredDevices` in `/info`', 'left out: no CDI devices'],
  ['1.50', '`platforms` on `DELETE /images/{name}`', 'images'],
  ['1.52', 'image `Config` fields omitted when unset, `Parent`/`Comment`/`DockerVersion`/`Author` omitted when empty', 'images'],
  ['1.52', '`platform` lists on load/save', 'images'],
  ['1.53', '`GET /system/df` legacy lists dropped (the version history says so)', "kept without `verbose`, as dockerd's handler still does"],
  ['1.52', 'container-wide `Config.MacAddress`', 'containers (per-endpoint MacAddress)'],
  ['1.52', 'swarm `SwapBytes`/`MemorySwappiness`', 'swarm (503 outside a swarm)'],
  ['1.53', '`NRI` in `/info`', 'left out: no NRI'],
  ['1.53', '`application/jsonl` events', 'offered at every version with `application/x-ndjson` and `application/json-seq`'],
  ['1.53', 'image `Identity`', 'images'],
  ['1.54', '`identity` on `GET /images/json`', 'images'],
  ['1.54', '`MacAddress` applied on connect', 'unversioned fix (networks)'],
  ['1.55', 'per-device blkio on update', 'not implemented: refused at create and update (400 naming the field)'],
  ['1.55', '`GET /images/{name}/attestations`', 'not implemented (501)'],
  ['1.56', '`HostConfig.Umask`', 'not implemented'],
  ['1.56', '`annotation` filter on `GET /containers/json`', 'not implemented (annotations are not kept): `invalid filter`'],
];

/** The version table: each feature's version, endpoints and the doc comment above it in src/api/versions.ts. */
async function versionTable() {
  const versions = await import(pathToFileURL(join(ROOT, 'dist/src/api/versions.js')).href);
  const source = readFileSync(join(ROOT, 'src/api/versions.ts'), 'utf8');
  // Each entry's one-line doc comment, without its leading version.
  const docs = new Map([...source.matchAll(/\/\*\* (.*?) \*\/\n\s+(\w+): '/g)].map((m) => [m[2], m[1].replace(/^1\.\d+: /, '')]));
  const features = Object.entries(versions.FEATURES).map(([name, since]) => ({
    name,
    since,
    routes: versions.FEATURE_ROUTES[name] ?? [],
    doc: docs.get(name) ?? '',
  }));
  return { ...versions, features };
}

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
  const { features, versionRanges, compareVersions, API_VERSION, MIN_API_VERSION } = await versionTable();
  const ranges = versionRanges();
  const label = ([from, to]) => (from === to ? from : `${from}–${to}`);
  // What changes for an endpoint at the start of each range: the features that begin there.
  const changes = (e) =>
    ranges.map(([from]) =>
      features
        .filter((f) => f.since === from && f.routes.includes(e))
        .map((f) => `\`${f.name}\``)
        .join(' '),
    );
  const since = new Map(NEWER);
  const inRange = (e, [, to]) => !since.has(e) || compareVersions(since.get(e), to) <= 0;
  const notes = new Map(UNSUPPORTED.map((u) => [`${u.method} ${u.path.replace('*', '')}`, u.note]));
  const routes = new Set((await routerRoutes()).map((r) => `${r.method} ${r.path}`));
  // GET routes answer HEAD too (the router's rule), so HEAD endpoints count as routed with their GET.
  const routed = (e) => routes.has(e) || (e.startsWith('HEAD ') && routes.has(`GET ${e.slice(5)}`));
  const all = [...V141, ...NEWER.map(([e]) => e)];
  const rows = all.map((e) => [e, notes.has(e) ? `not implemented: ${notes.get(e)}` : routed(e) ? 'implemented' : 'MISSING: 404 page not found']);
  const extra = [...routes].filter((e) => !all.includes(e) && !notes.has(e));
  const count = (w) => rows.filter(([, s]) => s.startsWith(w)).length;
  const lines = [
    `# Engine API ${MIN_API_VERSION}–${API_VERSION}: what berthd implements`,
    '',
    "Generated by `node scripts/api-compat.mjs` from berthd's router (`src/api/routes/`) and its version",
    'table (`src/api/versions.ts`); a test (`test/conformance/api-compat.test.ts`) fails when this page is out',
    'of date. The endpoint list is the Engine API v1.41 reference (moby `docs/api/v1.41.yaml`) and the',
    'endpoints added since (moby `api/docs/CHANGELOG.md`).',
    '',
    `${count('implemented')} of ${all.length} endpoints implemented; ${count('not implemented')} answered with Docker's own`,
    'answer for an engine outside a swarm without plugins, or `501 Not Implemented` naming the endpoint;',
    `${count('MISSING')} unanswered. Create requests that set a HostConfig field berth does not implement get a`,
    `\`400\` naming the field (\`src/api/unsupported-fields.ts\`). Paths work with and without a \`/v1.NN\` prefix`,
    `(${MIN_API_VERSION} to ${API_VERSION}; outside it Docker's 400 "client version … is too old/new"); unversioned`,
    `requests get ${API_VERSION}.`,
    '',
    'Each version column names what changes for the endpoint from the first version of that range on',
    '(the table below explains each name); an empty cell: as in the range before; `–`: not served yet.',
    '',
    `| endpoint | berthd | ${ranges.map(label).join(' | ')} |`,
    `| --- | --- | ${ranges.map(() => '---').join(' | ')} |`,
    ...rows.map(([e, s]) => {
      const cells = changes(e).map((c, i) => (inRange(e, ranges[i]) ? c : '–'));
      return `| \`${e}\` | ${s} | ${cells.join(' | ')} |`;
    }),
  ];
  if (extra.length > 0) lines.push('', 'Routes berthd serves beyond those lists:', '', ...extra.map((e) => `- \`${e}\``));
  lines.push(
    '',
    '## Version-gated behaviour',
    '',
    `A request at a version below a change gets the older behaviour, as Docker answers an old client.`,
    '',
    '| from | name | change | endpoints |',
    '| --- | --- | --- | --- |',
    ...[...features]
      .sort((a, b) => compareVersions(a.since, b.since))
      .map((f) => `| ${f.since} | \`${f.name}\` | ${f.doc.replace(/\|/g, '\\|')} | ${f.routes.map((r) => `\`${r}\``).join(', ')} |`),
    '',
    '## Version history entries berth does not gate',
    '',
    '| version | change | why |',
    '| --- | --- | --- |',
    ...NOT_GATED.map(([v, what, why]) => `| ${v} | ${what} | ${why} |`),
  );
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
