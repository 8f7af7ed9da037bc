import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually, startDaemon, type Daemon } from './harness.js';
import { ROOT, runProgram } from './clients.js';

// The dashboard in a real browser (Debian's headless Chromium, driven by playwright-core):
// the token gate, the live container table, logs, the terminal, stop, and a removed container.
// Screenshots of every page go to $BERTH_SCREENSHOTS (default /tmp/berth-ui-screenshots).
const SHOTS = process.env.BERTH_SCREENSHOTS ?? join(tmpdir(), 'berth-ui-screenshots');
const SCRIPT =
  "trap 'exit 0' TERM; echo hello-from-web; echo oops-on-stderr >&2; head -c 20000 /dev/zero | tr '\\0' x; echo; i=0; while :; do i=$((i+1)); echo tick $i; sleep 1; done";

/** A websocket handshake's answer status (101 when upgraded). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard', () => {
  let d: Daemon;
  let base = '';
  let token = '';
  let id = '';
  let browser: Browser;
  let page: Page;
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    await rm(SHOTS, { recursive: true, force: true });
    await mkdir(SHOTS, { recursive: true });
    d = await startDaemon({ args: ['--ui', '127.0.0.1:0'] });
    base = await eventually('the dashboard address in the log', async () => /dashboard: (http:\/\/[^/]+)\//.exec(d.log())?.[1]);
    token = (await readFile(join(d.execRoot, 'ui-token'), 'utf8')).trim();
    const r = await d.berth(['run', '-d', '--name', 'web', '-p', '127.0.0.1::80', '-v', 'webdata:/data', 'busybox', 'sh', '-c', SCRIPT]);
    assert.equal(r.code, 0, r.stderr);
    id = r.stdout.trim();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    page.on('dialog', (dialog) => void dialog.accept()); // the actions' confirmations
    process.stdout.write(`dashboard screenshots: ${SHOTS}\n`);
  });
  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('answers 401 without the token: page, API, metrics, event stream and websocket', async () => {
    for (const path of ['/', '/ui/api/containers', '/ui/api/events', '/metrics', '/assets/x.js']) {
      assert.equal((await fetch(`${base}${path}`)).status, 401, path);
      assert.equal((await fetch(`${base}${path}?token=nope`)).status, 401, `${path} with a wrong token`);
    }
    assert.equal((await fetch(`${base}/ui/api/containers`, { headers: { Cookie: `berth_ui_${new URL(base).port}=nope` } })).status, 401);
    assert.equal(await upgradeStatus(`${base}/ui/api/containers/${id}/terminal`), 401);
    assert.equal(await upgradeStatus(`${base}/ui/api/containers/${id}/terminal`, { Authorization: 'Bearer nope' }), 401);
    const res = await fetch(`${base}/ui/api/containers`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Array<{ name: string }>)[0]?.name, 'web');
    // Paths never leave the page's folder, however they are spelled.
    for (const path of ['/..%2f..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fpackage.json', '/%E0%A4%A']) {
      const body = await new Promise<string>((resolve, reject) => {
        request(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } }, (r) => {
          let text = '';
          r.setEncoding('utf8')
            .on('data', (c: string) => (text += c))
            .on('end', () => resolve(`${r.statusCode} ${text}`));
        })
          .on('error', reject)
          .end();
      });
      assert.doesNotMatch(body, /root:|"name": "berth"/, path);
      assert.match(body, /^(200 <!doctype html>|404 )/, path);
    }
    const p = await browser.newPage();
    const answer = await p.goto(`${base}/`);
    assert.equal(answer?.status(), 401);
    await p.close();
  });

  it('never binds a non-loopback address unless told to, and rejects bad addresses', async () => {
    // Checked before berthd opens anything: these data and exec roots are never created.
    const none = join(tmpdir(), 'berth-ui-never-created');
    const berthd = (args: string[]) =>
      runProgram(process.execPath, [join(ROOT, 'dist/bin/berthd.mjs'), '--data-root', none, '--exec-root', none, ...args], process.env);
    for (const [args, message] of [
      [['--ui', '0.0.0.0:9600'], /--ui: refusing to listen on non-loopback address 0\.0\.0\.0:9600 \(use --ui-allow-remote to allow it\)/],
      [['--ui', '[::]:9600'], /refusing to listen on non-loopback address/],
      [['--ui', '9600'], /--ui: invalid address "9600": want host:port/],
      [['--metrics-addr', 'localhost:99999'], /--metrics-addr: invalid address/],
    ] as const) {
      const r = await berthd([...args]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    await assert.rejects(readFile(none));
  });

  it('opens with the token and shows the running container in the live table', async () => {
    await page.goto(`${base}/?token=${token}`);
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    const cookie = (await page.context().cookies()).find((c) => c.name.startsWith('berth_ui_'));
    assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
    const row = page.locator('tr[data-container="web"]');
    await row.locator('[data-state="running"]').waitFor();
    await eventually('a CPU reading', async () => /\d+\.\d %/.test((await row.locator('td').nth(5).textContent()) ?? ''), 10_000);
    assert.match((await row.textContent()) ?? '', /busybox.*running.*Up/);
    assert.match((await row.locator('td').nth(4).textContent()) ?? '', /^\d+→80\/tcp/);
    await shot('containers');
  });

  it("follows the container's log with stderr told apart", async () => {
    await page.click('tr[data-container="web"] >> text=web');
    await page.click('nav.tabs >> text=Logs');
    const log = page.locator('[data-testid="log"]');
    await log.locator('text=hello-from-web').waitFor();
    await log.locator('.stderr', { hasText: 'oops-on-stderr' }).waitFor();
    await log.locator('text=tick 3').waitFor(); // printed after the page opened: live
    // conmon logs a 20000-byte line as partial records: the page shows one line.
    assert.deepEqual(await log.locator('div', { hasText: 'xxxxxxxx' }).evaluateAll((els) => els.map((e) => e.textContent?.length)), [20000]);
    await shot('container-logs');
  });

  it('shows summary, stats charts, processes and changes', async () => {
    await page.click('nav.tabs >> text=Summary');
    await page.locator('table.summary >> text=webdata').waitFor();
    await shot('container-summary');
    await page.click('nav.tabs >> text=Stats');
    await page.locator('.chart .u-title', { hasText: 'Memory' }).waitFor();
    // Three readings: rates and CPU % need two; the legend then shows the latest values.
    await page.locator('.chart[data-points="3"]').nth(3).waitFor();
    assert.match((await page.locator('.chart', { hasText: 'Memory' }).locator('.u-series').nth(1).textContent()) ?? '', /usage.*\d+(\.\d)? (B|KiB|MiB)/);
    assert.match((await page.locator('.chart', { hasText: 'CPU' }).locator('.u-series').nth(1).textContent()) ?? '', /cpu.*\d+\.\d+%/);
    await shot('container-stats');
    await page.click('nav.tabs >> text=Processes');
    await page.locator('table.top >> text=sleep').first().waitFor();
    await shot('container-top');
  });

  it('runs echo in a terminal (exec -it over a websocket)', async () => {
    await page.click('nav.tabs >> text=Terminal');
    await page.locator('[data-testid="terminal-status"]', { hasText: 'connected' }).waitFor();
    await page.click('.xterm');
    await page.keyboard.type('echo term-$((6*7)) > /tmp/from-terminal; cat /tmp/from-terminal\n');
    // The arithmetic is expanded only by the shell: the output line, not the echoed input.
    await page.locator('.xterm-rows', { hasText: 'term-42' }).waitFor();
    await shot('container-terminal');
    await page.click('nav.tabs >> text=Changes');
    await page.locator('ul.diff li.change-A', { hasText: '/tmp/from-terminal' }).waitFor();
    await shot('container-changes');
  });

  it('stops the container and shows the state change', async () => {
    await page.click('.actions >> button:text-is("stop")');
    await page.locator('h1 [data-state="exited"]').waitFor();
    const inspect = await d.api('GET', `/v1.41/containers/${id}/json`);
    assert.equal((inspect.json as { State: { Status: string } }).State.Status, 'exited');
    await shot('container-stopped');
    const auth = { Authorization: `Bearer ${token}` };
    assert.equal(await upgradeStatus(`${base}/ui/api/containers/${id}/terminal`, auth), 409, 'no terminal into a stopped container');
    const cross = await fetch(`${base}/ui/api/containers/${id}/start`, { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' } });
    assert.equal(cross.status, 403, 'a cross-site action is refused');
    assert.equal(((await d.api('GET', `/v1.41/containers/${id}/json`)).json as { State: { Status: string } }).State.Status, 'exited', 'and changes nothing');
    await page.click('header >> text=Containers');
    await page.locator('tr[data-container="web"] [data-state="exited"]').waitFor();
  });

  it('shows images with their layer tree, volumes, networks and events', async () => {
    assert.equal((await d.berth(['commit', 'web', 'websnap'])).code, 0);
    await page.click('header >> text=Images');
    // websnap is busybox's layer plus one: a child of busybox's node in the tree.
    const busybox = page.locator('ul.tree > li', { has: page.locator(':scope > .tag', { hasText: 'busybox:latest' }) });
    await busybox.locator('ul > li > .tag', { hasText: 'websnap:latest' }).waitFor();
    await shot('images');
    await page.click('header >> text=Volumes');
    await page.locator('tr', { hasText: 'webdata' }).getByRole('cell', { name: 'web', exact: true }).waitFor();
    await shot('volumes');
    assert.equal((await d.berth(['network', 'create', 'uinet'])).code, 0);
    assert.equal((await d.berth(['run', '-d', '--name', 'side', '--network', 'uinet', 'busybox', 'sleep', '600'])).code, 0);
    await page.click('header >> text=Networks');
    await page
      .locator('tr', { hasText: 'uinet' })
      .locator('a.tag', { hasText: /^side 10\.\d+\.\d+\.\d+$/ })
      .waitFor();
    await shot('networks');
    await page.click('header >> text=Events');
    await page.locator('table.events >> text=die').first().waitFor();
    await shot('events');
  });

  it('shows "removed" when the open container is removed elsewhere', async () => {
    const r = await d.berth(['run', '-d', '--name', 'gone', 'busybox', 'sleep', '600']);
    assert.equal(r.code, 0, r.stderr);
    await page.goto(`${base}/#/containers/${r.stdout.trim()}/logs`);
    await page.locator('h1 [data-state="running"]').waitFor();
    assert.equal((await d.berth(['rm', '-f', 'gone'])).code, 0);
    await page.locator('[data-testid="removed"]').waitFor();
    await shot('container-removed');
    // Actions on it now answer Docker's 404.
    const res = await fetch(`${base}/ui/api/containers/gone/start`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { message: string }).message, /No such container: gone/);
  });
});
