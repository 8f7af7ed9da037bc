/**
 * What Docker users hit with links and shared network namespaces, through the docker CLI and the
 * Python SDK: legacy links on the default bridge (Docker's variables, /etc/hosts, inspect's
 * `HostConfig.Links`, `rm --link`), links on user networks as aliases only the linking container
 * resolves, `--network container:<x>` sharing x's hostname and /etc files, and names resolving
 * on every network a container is on after `network connect` (compose v2's two-network services).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runPython } from './clients.js';
import { dockerOk, startDaemon, type Daemon } from './harness.js';

describe('legacy links, container: networking, DNS after connect', () => {
  let d: Daemon;
  const ok = (args: string[]): Promise<string> => dockerOk(d, args);
  const ipOn = async (ctr: string, net: string): Promise<string> => (await ok(['inspect', '-f', `{{.NetworkSettings.Networks.${net}.IPAddress}}`, ctr])).trim();

  before(async () => {
    d = await startDaemon();
    await ok(['run', '-d', '--name', 'db', '-e', 'DB_USER=app', '--expose', '5432', '--expose', '53/udp', 'busybox', 'sleep', '600']);
  });
  after(() => d?.stop());

  it("sets Docker's link variables and /etc/hosts entry on the default bridge", async () => {
    const ip = await ipOn('db', 'bridge');
    const id = (await ok(['inspect', '-f', '{{.Id}}', 'db'])).trim();
    // `env` run directly: a shell would re-order the environment.
    const env = await ok(['run', '--name', 'envtest', '--link', 'db:my-db', 'busybox', 'env']);
    const hosts = await ok(['run', '--rm', '--link', 'db:my-db', 'busybox', 'cat', '/etc/hosts']);
    const linkVars = env.split('\n').filter((l) => l.startsWith('MY_DB_'));
    // Docker's order (links.Link.ToEnv): the lowest port, each port's four, the name, the environment.
    assert.deepEqual(linkVars, [
      `MY_DB_PORT=udp://${ip}:53`,
      `MY_DB_PORT_53_UDP=udp://${ip}:53`,
      `MY_DB_PORT_53_UDP_ADDR=${ip}`,
      `MY_DB_PORT_53_UDP_PORT=53`,
      `MY_DB_PORT_53_UDP_PROTO=udp`,
      `MY_DB_PORT_5432_TCP=tcp://${ip}:5432`,
      `MY_DB_PORT_5432_TCP_ADDR=${ip}`,
      `MY_DB_PORT_5432_TCP_PORT=5432`,
      `MY_DB_PORT_5432_TCP_PROTO=tcp`,
      `MY_DB_NAME=/envtest/my-db`,
      `MY_DB_ENV_DB_USER=app`,
    ]);
    assert.match(hosts, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tmy-db ${id.slice(0, 12)} db$`, 'm'));
  });

  it('shows links as Docker does in inspect and removes them with rm --link', async () => {
    await ok(['run', '-d', '--name', 'web', '--link', 'db:alias1', '--link', 'db', 'busybox', 'sleep', '600']);
    assert.deepEqual(JSON.parse(await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'web'])), ['/db:/web/alias1', '/db:/web/db']);
    await ok(['rm', '--link', '/web/alias1']);
    assert.deepEqual(JSON.parse(await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'web'])), ['/db:/web/db']);
    await ok(['run', '-d', '--name', 'web2', '--link', 'db:alias2', 'busybox', 'sleep', '600']);
    const berthRm = await d.berth(['rm', '--link', 'web2/alias2']);
    assert.equal(berthRm.code, 0, berthRm.stderr);
    assert.equal((await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'web2'])).trim(), 'null');
    const hosts = await ok(['exec', 'web', 'cat', '/etc/hosts']);
    assert.doesNotMatch(hosts, /alias1/);
    assert.match(hosts, /\tdb [0-9a-f]{12}/);
    // The links follow a rename of either side (Docker's link graph is keyed by container).
    await ok(['rename', 'web', 'web-renamed']);
    assert.deepEqual(JSON.parse(await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'web-renamed'])), ['/db:/web-renamed/db']);
    await ok(['rename', 'web-renamed', 'web']);
    const top = await d.docker(['rm', '--link', 'db']);
    assert.notEqual(top.code, 0);
    assert.match(top.stderr, /Conflict, cannot remove the default link name of the container/);
    const missing = await d.docker(['rm', '--link', 'web/nope']);
    assert.match(missing.stderr, /No such container: web\/nope/);
    await ok(['run', '-d', '--name', 'child2', 'busybox', 'sleep', '600']);
    await ok(['create', '--name', 'parent2', '--link', 'child2:c', 'busybox', 'true']);
    await ok(['rm', '-f', 'child2']);
    assert.equal((await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'parent2'])).trim(), 'null');
    const noTarget = await d.docker(['create', '--link', 'ghost:g', 'busybox']);
    assert.match(noTarget.stderr, /could not get container for ghost/);
  });

  it('makes links on a user network aliases only the linking container resolves', async () => {
    await ok(['network', 'create', 'un']);
    await ok(['run', '-d', '--name', 'api', '--network', 'un', 'busybox', 'sleep', '600']);
    const apiIp = await ipOn('api', 'un');
    await ok(['run', '-d', '--name', 'client', '--network', 'un', '--link', 'api:backend', 'busybox', 'sleep', '600']);
    assert.match(await ok(['exec', 'client', 'nslookup', 'backend']), new RegExp(`Address:\\s+${apiIp.replace(/\./g, '\\.')}`));
    const links = '{{json .HostConfig.Links}} {{json .NetworkSettings.Networks.un.Links}}';
    assert.equal((await ok(['inspect', '-f', links, 'client'])).trim(), 'null ["api:backend"]');
    const other = await d.docker(['run', '--rm', '--network', 'un', 'busybox', 'nslookup', 'backend']);
    assert.doesNotMatch(other.stdout, new RegExp(apiIp.replace(/\./g, '\\.')), 'another container does not resolve the link alias');
    // network connect --link: the endpoint's Links, shown by inspect.
    await ok(['run', '-d', '--name', 'late', 'busybox', 'sleep', '600']);
    await ok(['network', 'connect', '--link', 'api:svc', 'un', 'late']);
    assert.deepEqual(JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks.un.Links}}', 'late'])), ['api:svc']);
    assert.match(await ok(['exec', 'late', 'nslookup', 'svc']), new RegExp(`Address:\\s+${apiIp.replace(/\./g, '\\.')}`));
    // The berth CLI sends the same.
    await ok(['run', '-d', '--name', 'late2', 'busybox', 'sleep', '600']);
    const berthConnect = await d.berth(['network', 'connect', '--link', 'api:svc2', 'un', 'late2']);
    assert.equal(berthConnect.code, 0, berthConnect.stderr);
    assert.match(await ok(['exec', 'late2', 'nslookup', 'svc2']), new RegExp(`Address:\\s+${apiIp.replace(/\./g, '\\.')}`));
  });

  it("--network container:<x> shares x's hostname, /etc/hosts and resolv.conf", async () => {
    await ok(['run', '-d', '--name', 'owner', '--hostname', 'ownerhost', 'busybox', 'sleep', '600']);
    const ip = await ipOn('owner', 'bridge');
    const out = await ok(['run', '--rm', '--network', 'container:owner', 'busybox', 'sh', '-c', 'hostname; hostname -i; echo $HOSTNAME']);
    assert.deepEqual(out.trim().split('\n'), ['ownerhost', ip, 'ownerhost']);
    await ok(['run', '-d', '--name', 'joiner', '--network', 'container:owner', 'busybox', 'sleep', '600']);
    const paths = '{{.HostnamePath}} {{.HostsPath}} {{.ResolvConfPath}} {{.Config.Hostname}}';
    assert.equal(await ok(['inspect', '-f', paths, 'joiner']), await ok(['inspect', '-f', paths, 'owner']));
  });

  it('resolves names on every network a container is on after network connect (compose v2 sequence)', async () => {
    await ok(['network', 'create', 'front']);
    await ok(['network', 'create', 'back']);
    await ok(['run', '-d', '--name', 'backdb', '--network', 'back', 'busybox', 'sleep', '600']);
    const dbIp = await ipOn('backdb', 'back');
    const sees = new RegExp(`Address:\\s+${dbIp.replace(/\./g, '\\.')}`);
    // Created on its first network, the second connected before the start (what compose v2 does).
    await ok(['create', '--name', 'svc', '--network', 'front', 'busybox', 'sleep', '600']);
    await ok(['network', 'connect', 'back', 'svc']);
    await ok(['start', 'svc']);
    assert.match(await ok(['exec', 'svc', 'nslookup', 'backdb']), sees);
    await ok(['exec', 'svc', 'ping', '-c', '1', '-W', '5', 'backdb']);
    // Connected while running.
    await ok(['run', '-d', '--name', 'svc2', '--network', 'front', 'busybox', 'sleep', '600']);
    await ok(['network', 'connect', 'back', 'svc2']);
    assert.match(await ok(['exec', 'svc2', 'nslookup', 'backdb']), sees);
    // A default-bridge container connected to a user network gets the embedded DNS, as in Docker.
    await ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '600']);
    await ok(['network', 'connect', 'back', 'plain']);
    assert.match(await ok(['exec', 'plain', 'nslookup', 'backdb']), sees);
    await ok(['exec', 'plain', 'ping', '-c', '1', '-W', '5', 'backdb']);
    // Leaving the network its nameserver served, svc keeps resolving through the one it is still on.
    await ok(['network', 'disconnect', 'front', 'svc']);
    assert.match(await ok(['exec', 'svc', 'nslookup', 'backdb']), sees);
    // A container only on `front` does not see `back`'s names.
    const outsider = await d.docker(['run', '--rm', '--network', 'front', 'busybox', 'nslookup', 'backdb']);
    assert.doesNotMatch(outsider.stdout, sees);
  });

  it('the Python SDK: links, rm --link, network connect with links, container: networking', async () => {
    const py = await runPython(d.socket, [
      'api = c.api',
      'h = api.create_host_config(links={"db": "pydb"})',
      'ct = api.create_container("busybox", ["sleep", "600"], name="pyweb", host_config=h)',
      'api.start(ct)',
      'env = c.containers.get("pyweb").exec_run(["sh", "-c", "echo $PYDB_NAME $PYDB_ENV_DB_USER"]).output.decode().strip()',
      'print("env", env)',
      'print("links", c.containers.get("pyweb").attrs["HostConfig"]["Links"])',
      'api.remove_container("pyweb/pydb", link=True)',
      'print("after", c.containers.get("pyweb").attrs["HostConfig"]["Links"])',
      'n = c.networks.get("un")',
      'p = c.containers.run("busybox", ["sleep", "600"], detach=True, name="pyclient")',
      'n.connect(p, links=[("api", "pyalias")])',
      'code, out = p.exec_run(["nslookup", "pyalias"])',
      'print("alias", code)',
      'svc = c.containers.create("busybox", ["sleep", "600"], name="pysvc", network="front")',
      'c.networks.get("back").connect(svc)',
      'svc.start()',
      'code, out = svc.exec_run(["nslookup", "backdb"])',
      'print("dns", code, c.containers.get("backdb").attrs["NetworkSettings"]["Networks"]["back"]["IPAddress"] in out.decode())',
      'j = c.containers.run("busybox", ["hostname"], network_mode="container:pyweb", remove=True)',
      'print("hostname", j.decode().strip(), c.containers.get("pyweb").attrs["Config"]["Hostname"])',
    ]);
    assert.equal(py.code, 0, `${py.stderr}\n${d.log().slice(-2000)}`);
    assert.match(py.stdout, /^env \/pyweb\/pydb app$/m);
    assert.match(py.stdout, /^links \['\/db:\/pyweb\/pydb'\]$/m);
    assert.match(py.stdout, /^after None$/m);
    assert.match(py.stdout, /^alias 0$/m);
    assert.match(py.stdout, /^dns 0 True$/m, 'names on the connected network resolve (compose v2 sequence)');
    const [, got, want] = /^hostname (\S+) (\S+)$/m.exec(py.stdout) ?? [];
    assert.ok(got !== undefined && got === want, py.stdout);
  });

  it('berthd met no uncaught exception or unhandled rejection on the way', () => {
    assert.doesNotMatch(d.log(), /uncaught|unhandled/i);
  });
});
