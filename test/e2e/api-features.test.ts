import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/exec.js';
import { runProgram } from './clients.js';
import { dockerOk, eventually, mountsUnder, startDaemon, type Daemon } from './harness.js';

// What API 1.44–1.54 added to create and connect, through the docker CLI 28.2 at its own version
// (no DOCKER_API_VERSION), docker-py, and raw requests on both sides of each version boundary.
describe('API 1.44+ container features', () => {
  let d: Daemon;
  let tmp: string;
  before(async () => {
    d = await startDaemon();
    tmp = await mkdtemp(join(tmpdir(), 'berth-apif-'));
  });
  after(async () => {
    await d?.stop();
    for (const m of (await mountsUnder(tmp)).reverse()) await run('umount', ['-l', m]).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  });

  const ok = (args: string[]): Promise<string> => dockerOk(d, args);
  const fails = async (args: string[], message: RegExp): Promise<void> => {
    const r = await d.docker(args);
    assert.notEqual(r.code, 0, `docker ${args.join(' ')} should fail`);
    assert.match(r.stderr, message);
  };
  const inspect = async <T>(name: string, format: string): Promise<T> => JSON.parse(await ok(['inspect', '--format', `{{json ${format}}}`, name])) as T;
  const python = async (lines: string[]): Promise<string> => {
    const r = await runProgram(
      'python3',
      ['-c', [`import docker, json`, `api = docker.APIClient(base_url="unix://${d.socket}")`, ...lines].join('\n')],
      process.env,
      {
        timeoutMs: 120_000,
      },
    );
    assert.equal(r.code, 0, `python: ${r.stderr}\nberthd log (tail):\n${d.log().slice(-2000)}`);
    return r.stdout;
  };

  describe('--mount type=image (API 1.48)', () => {
    before(async () => {
      await ok(['run', '--name', 'maker', 'busybox', 'sh', '-c', 'mkdir -p /data/deep && echo from-image > /data/deep/file']);
      await ok(['commit', 'maker', 'imgsrc:1']);
      await ok(['rm', 'maker']);
    });

    it("mounts an image's filesystem read-only, whole or a subpath, and releases it with the container", async () => {
      const out = await ok([
        'run',
        '--name',
        'viewer',
        '--mount',
        'type=image,source=imgsrc:1,target=/img',
        '--mount',
        'type=image,source=imgsrc:1,target=/sub,image-subpath=data/deep',
        'busybox',
        'sh',
        '-c',
        'cat /img/data/deep/file /sub/file; ls /img/bin/busybox; touch /img/x 2>&1 || echo read-only',
      ]);
      assert.match(out, /^from-image\nfrom-image\n\/img\/bin\/busybox\n.*Read-only file system\nread-only\n$/s);
      const mounts = await inspect<Array<Record<string, unknown>>>('viewer', '.Mounts');
      assert.deepEqual(
        mounts.map((m) => [m.Type, m.Source, m.Destination, m.RW]),
        [
          ['image', 'imgsrc:1', '/img', false],
          ['image', 'imgsrc:1', '/sub', false],
        ],
      );
      const bundle = join(d.dataRoot, 'containers', (await ok(['inspect', '--format', '{{.Id}}', 'viewer'])).trim());
      assert.deepEqual(await mountsUnder(bundle), [], 'the exit unmounted the image views');
      // While a container (even a stopped one) mounts it, the image stays; rmi says who uses it.
      const rmi = await d.docker(['rmi', 'imgsrc:1']);
      assert.notEqual(rmi.code, 0);
      assert.match(
        rmi.stderr,
        /conflict: unable to remove repository reference "imgsrc:1" \(must force\) - container [0-9a-f]{12} is using its referenced image/,
      );
      await ok(['rm', 'viewer']);
      // Released in the background after the removal answered: the bundle, then the views' snapshots.
      await eventually('the removal released everything', async () => !existsSync(bundle), 20_000);
      assert.deepEqual(
        (await readdir(join(d.dataRoot, 'snapshots', 'active'))).filter((k) => k.includes('-image-')),
        [],
        'the image views went with the container',
      );
    });

    it('refuses a running mount source, a missing image, a subpath out of the image, and clients before 1.48', async () => {
      await ok(['run', '-d', '--name', 'holder', '--mount', 'type=image,source=imgsrc:1,target=/img', 'busybox', 'sleep', '600']);
      const id = (await ok(['image', 'inspect', '--format', '{{.Id}}', 'imgsrc:1'])).trim();
      const rmi = await d.api('DELETE', `/images/${id}?force=1`);
      assert.equal(rmi.status, 409);
      assert.match(String((rmi.json as { message: string }).message), /image is being used by running container/);
      await ok(['rm', '-f', 'holder']);

      const body = (mount: Record<string, unknown>): unknown => ({ Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Target: '/m', ...mount }] } });
      const missing = await d.api('POST', '/containers/create', body({ Type: 'image', Source: 'nosuch' }));
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { message: 'No such image: nosuch:latest' });
      const escape = await d.api('POST', '/containers/create', body({ Type: 'image', Source: 'imgsrc:1', ImageOptions: { Subpath: '../etc' } }));
      assert.equal(escape.status, 400);
      assert.match(
        String((escape.json as { message: string }).message),
        /invalid mount config for type "image": subpath must be a relative path within the image/,
      );
      const noSource = await d.api('POST', '/containers/create', body({ Type: 'image' }));
      assert.deepEqual([noSource.status, noSource.json], [400, { message: 'invalid mount config for type "image": field Source must not be empty' }]);
      const old = await d.api('POST', '/v1.47/containers/create', body({ Type: 'image', Source: 'imgsrc:1' }));
      assert.deepEqual([old.status, old.json], [400, { message: 'Mount type "Image" needs API v1.48 or newer' }]);
      const gone = await d.docker(['run', '--rm', '--mount', 'type=image,source=imgsrc:1,target=/img,image-subpath=nope', 'busybox', 'true']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /cannot access path .*nope: no such file or directory/);
      assert.equal((await ok(['ps', '-aq'])).trim(), '', '--rm removed the container whose start failed');
    });

    it('docker-py mounts an image through the low-level API', async () => {
      const out = await python([
        `c = api.create_container("busybox", ["cat", "/i/file"], host_config=api.create_host_config(mounts=[{"Type": "image", "Source": "imgsrc:1", "Target": "/i", "ImageOptions": {"Subpath": "data/deep"}}]))`,
        'api.start(c)',
        'api.wait(c)',
        'print(api.logs(c).decode().strip(), json.dumps([m["Type"] for m in api.inspect_container(c)["Mounts"]]))',
        'api.remove_container(c)',
      ]);
      assert.equal(out.trim(), 'from-image ["image"]');
    });
  });

  describe('several networks at create (API 1.44), GwPriority (1.48), MAC addresses', () => {
    let subnetB = '';
    before(async () => {
      await ok(['network', 'create', 'neta']);
      await ok(['network', 'create', 'netb']);
      subnetB = (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', 'netb'])).trim();
    });
    const hostAddr = (subnet: string, n: number): string => subnet.replace(/\.0\/\d+$/, `.${n}`);

    it('joins every network in order, the highest GwPriority giving the default route; aliases, IPs and MACs per endpoint', async () => {
      const ipB = hostAddr(subnetB, 77);
      await ok([
        'run',
        '-d',
        '--name',
        'multi',
        '--network',
        'name=neta,mac-address=02:42:0a:00:00:aa',
        '--network',
        `name=netb,gw-priority=5,alias=bee,ip=${ipB}`,
        'busybox',
        'sleep',
        '600',
      ]);
      const nets = await inspect<Record<string, Record<string, unknown>>>('multi', '.NetworkSettings.Networks');
      assert.deepEqual(Object.keys(nets).sort(), ['neta', 'netb']);
      assert.equal(nets.netb!.IPAddress, ipB);
      assert.equal(nets.netb!.GwPriority, 5);
      assert.equal(nets.neta!.GwPriority, 0);
      assert.deepEqual(nets.netb!.Aliases?.toString().includes('bee'), true);
      assert.equal(nets.neta!.MacAddress, '02:42:0a:00:00:aa');
      const inside = await ok(['exec', 'multi', 'sh', '-c', 'cat /sys/class/net/eth0/address; ip -4 -o addr show eth1; ip route | grep ^default']);
      const [mac, eth1, route] = inside
        .trim()
        .split('\n')
        .map((l) => l.trimEnd());
      assert.equal(mac, '02:42:0a:00:00:aa', 'eth0 is the network mode, with the MAC asked for');
      assert.match(eth1!, new RegExp(`eth1\\s+inet ${ipB.replace(/\./g, '\\.')}/`));
      assert.equal(route, `default via ${nets.netb!.Gateway} dev eth1`, 'netb (GwPriority 5) gives the default route');
      // The alias answers on netb for its other containers.
      const other = await ok(['run', '--rm', '--network', 'netb', 'busybox', 'ping', '-c', '1', '-W', '5', 'bee']);
      assert.match(other, new RegExp(`from ${ipB.replace(/\./g, '\\.')}`));
      // And from the container on both, a name that is only on netb resolves (through neta's responder, its nameserver).
      await ok(['run', '-d', '--name', 'peer', '--network', 'netb', 'busybox', 'sleep', '600']);
      const peerIp = await inspect<string>('peer', '.NetworkSettings.Networks.netb.IPAddress');
      assert.match(await ok(['exec', 'multi', 'ping', '-c', '1', '-W', '5', 'peer']), new RegExp(`from ${peerIp.replace(/\./g, '\\.')}`));
      await ok(['rm', '-f', 'peer']);
      // A restart attaches both again, in the same order.
      await ok(['restart', '-t', '0', 'multi']);
      assert.equal((await ok(['exec', 'multi', 'sh', '-c', 'ip route | grep ^default'])).trim(), `default via ${nets.netb!.Gateway} dev eth1`);
      await ok(['rm', '-f', 'multi']);
    });

    it('without priorities, the first network by name gives the route (as libnetwork orders them)', async () => {
      const out = await ok(['run', '--rm', '--network', 'netb', '--network', 'neta', 'busybox', 'sh', '-c', 'ip route | grep ^default']);
      const gwA = (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'neta'])).trim();
      assert.match(out, new RegExp(`^default via ${gwA.replace(/\./g, '\\.')} dev eth1`), out);
    });

    it("refuses host, none and container: with other networks, and several networks from clients before 1.44, in Docker's words", async () => {
      const before = await ok(['ps', '-aq']);
      await fails(
        ['run', '--rm', '--network', 'host', '--network', 'neta', 'busybox', 'true'],
        /conflicting options: cannot attach both user-defined and non-user-defined network-modes/,
      );
      const create = (path: string, mode: string, eps: string[]): Promise<{ status: number; json: unknown }> =>
        d.api('POST', path, {
          Image: 'busybox',
          HostConfig: { NetworkMode: mode },
          NetworkingConfig: { EndpointsConfig: Object.fromEntries(eps.map((e) => [e, {}])) },
        });
      const host = await create('/containers/create', 'host', ['host', 'neta']);
      assert.deepEqual(
        [host.status, host.json],
        [400, { message: 'container sharing network namespace with another container or host cannot be connected to any other network' }],
      );
      const none = await create('/containers/create', 'none', ['none', 'neta']);
      assert.deepEqual(
        [none.status, none.json],
        [400, { message: 'container cannot be connected to multiple networks with one of the networks in private (none) mode' }],
      );
      const old = await create('/v1.43/containers/create', 'neta', ['neta', 'netb']);
      assert.deepEqual([old.status, old.json], [400, { message: 'Container cannot be connected to network endpoints: neta, netb' }]);
      // A network that does not exist is dockerd's 404 at start, not at create.
      const missing = await create('/containers/create?name=lost', 'neta', ['neta', 'nosuchnet']);
      assert.equal(missing.status, 201, JSON.stringify(missing.json));
      const start = await d.api('POST', '/containers/lost/start');
      assert.deepEqual([start.status, start.json], [404, { message: 'network nosuchnet not found' }]);
      await ok(['rm', 'lost']);
      const badMac = await d.api('POST', '/containers/create', {
        Image: 'busybox',
        HostConfig: { NetworkMode: 'neta' },
        NetworkingConfig: { EndpointsConfig: { neta: { MacAddress: 'zz' } } },
      });
      assert.deepEqual([badMac.status, badMac.json], [400, { message: 'invalid config for network neta: invalid MAC address zz' }]);
      assert.equal(await ok(['ps', '-aq']), before, 'no refused create left a container');
    });

    it('the deprecated container-wide MacAddress moves to the main endpoint (a mismatch is refused); connect applies MacAddress from 1.54', async () => {
      const created = await d.api('POST', '/containers/create?name=macold', {
        Image: 'busybox',
        Cmd: ['sleep', '600'],
        MacAddress: '02:42:0a:00:00:bb',
        HostConfig: { NetworkMode: 'neta' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.deepEqual((created.json as { Warnings: string[] }).Warnings, [
        'The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.',
      ]);
      const clash = await d.api('POST', '/containers/create', {
        Image: 'busybox',
        MacAddress: '02:42:0a:00:00:bb',
        HostConfig: { NetworkMode: 'neta' },
        NetworkingConfig: { EndpointsConfig: { neta: { MacAddress: '02:42:0a:00:00:cc' } } },
      });
      assert.deepEqual(
        [clash.status, clash.json],
        [400, { message: 'the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty' }],
      );
      await ok(['start', 'macold']);
      assert.equal((await ok(['exec', 'macold', 'cat', '/sys/class/net/eth0/address'])).trim(), '02:42:0a:00:00:bb');
      // network connect: the MAC asked for counts from API 1.54 (the docker CLI 28.2 speaks 1.50: ignored there).
      const at150 = await d.api('POST', '/v1.50/networks/netb/connect', { Container: 'macold', EndpointConfig: { MacAddress: '02:42:0a:00:00:dd' } });
      assert.equal(at150.status, 200);
      assert.notEqual((await ok(['exec', 'macold', 'cat', '/sys/class/net/eth1/address'])).trim(), '02:42:0a:00:00:dd');
      await ok(['network', 'disconnect', 'netb', 'macold']);
      const at154 = await d.api('POST', '/v1.54/networks/netb/connect', { Container: 'macold', EndpointConfig: { MacAddress: '02:42:0a:00:00:dd' } });
      assert.equal(at154.status, 200, JSON.stringify(at154.json));
      assert.equal((await ok(['exec', 'macold', 'cat', '/sys/class/net/eth1/address'])).trim(), '02:42:0a:00:00:dd');
      await ok(['stop', '-t', '0', 'macold']);
      assert.equal(
        await inspect<string>('macold', '.NetworkSettings.Networks.neta.MacAddress'),
        '02:42:0a:00:00:bb',
        'a stopped container shows the MAC it asked for',
      );
      await ok(['rm', 'macold']);
    });

    it('network connect with a higher gw-priority moves the default route there; disconnect moves it back', async () => {
      const gw = async (net: string): Promise<string> => (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', net])).trim();
      const route = async (): Promise<string> => (await ok(['exec', 'gwc', 'sh', '-c', 'ip route | grep ^default'])).trim();
      await ok(['run', '-d', '--name', 'gwc', '--network', 'neta', 'busybox', 'sleep', '600']);
      assert.equal(await route(), `default via ${await gw('neta')} dev eth0`);
      await ok(['network', 'connect', '--gw-priority', '10', 'netb', 'gwc']);
      assert.equal(await route(), `default via ${await gw('netb')} dev eth1`);
      assert.equal(await inspect<number>('gwc', '.NetworkSettings.Networks.netb.GwPriority'), 10);
      await ok(['network', 'disconnect', 'netb', 'gwc']);
      assert.equal(await route(), `default via ${await gw('neta')} dev eth0`);
      await ok(['rm', '-f', 'gwc']);
    });

    it('docker-py creates a container on two networks with a gateway priority', async () => {
      const out = await python([
        'nc = api.create_networking_config({"neta": api.create_endpoint_config(aliases=["pa"]), "netb": {"GwPriority": 3, "Aliases": ["pb"], "MacAddress": "02:42:0a:00:00:ab"}})',
        'c = api.create_container("busybox", ["sh", "-c", "cat /sys/class/net/eth1/address; ip route | grep ^default"], host_config=api.create_host_config(network_mode="neta"), networking_config=nc)',
        'api.start(c)',
        'api.wait(c)',
        'nets = api.inspect_container(c)["NetworkSettings"]["Networks"]',
        'mac, route = api.logs(c).decode().splitlines()',
        'print(mac, route.split(" ")[4], sorted(nets), nets["netb"]["GwPriority"], nets["netb"]["MacAddress"])',
        'api.remove_container(c)',
      ]);
      assert.equal(out.trim(), "02:42:0a:00:00:ab eth1 ['neta', 'netb'] 3 02:42:0a:00:00:ab");
    });
  });

  describe('--health-start-interval (API 1.44)', () => {
    it('probes every StartInterval during the start period (an hour-long interval would not reach healthy)', async () => {
      await ok([
        'run',
        '-d',
        '--name',
        'hs',
        '--health-cmd',
        'test -e /tmp/ready',
        '--health-interval',
        '1h',
        '--health-start-period',
        '10m',
        '--health-start-interval',
        '200ms',
        'busybox',
        'sh',
        '-c',
        'sleep 1; touch /tmp/ready; exec sleep 600',
      ]);
      const hc = await inspect<Record<string, number>>('hs', '.Config.Healthcheck');
      assert.equal(hc.StartInterval, 200_000_000);
      await eventually('healthy through the start interval', async () => (await inspect<string>('hs', '.State.Health.Status')) === 'healthy', 20_000);
      const log = await inspect<unknown[]>('hs', '.State.Health.Log');
      assert.ok(log.length >= 2, 'failed probes came at the start interval before the passing one');
      await ok(['rm', '-f', 'hs']);
    });

    it('clients before 1.44 have no StartInterval; under 1ms is refused', async () => {
      const mk = (path: string, startInterval: number): Promise<{ status: number; json: unknown }> =>
        d.api('POST', path, { Image: 'busybox', Cmd: ['true'], Healthcheck: { Test: ['CMD', 'true'], StartInterval: startInterval } });
      const old = await mk('/v1.43/containers/create', 5e9);
      assert.equal(old.status, 201);
      const id = (old.json as { Id: string }).Id;
      assert.equal(await inspect<number | null>(id, '.Config.Healthcheck.StartInterval'), 0);
      const tiny = await mk('/containers/create', 1000);
      assert.deepEqual([tiny.status, tiny.json], [400, { message: 'StartInterval in Healthcheck cannot be less than 1ms' }]);
      await ok(['rm', id]);
      const out = await python([
        // docker-py 7.1 has no start_interval: the raw config, as newer SDKs send it.
        'cfg = api.create_container_config("busybox", ["true"], healthcheck={"test": ["CMD", "true"], "start_period": 10**10})',
        'cfg["Healthcheck"]["StartInterval"] = 3 * 10**9',
        'c = api.create_container_from_config(cfg)',
        'print(api.inspect_container(c)["Config"]["Healthcheck"]["StartInterval"])',
        'api.remove_container(c)',
      ]);
      assert.equal(out.trim(), '3000000000');
    });
  });

  describe('VolumeOptions.Subpath (API 1.45) and BindOptions', () => {
    it('mounts a directory of a named volume, resolved inside the volume', async () => {
      await ok([
        'run',
        '--rm',
        '-v',
        'subvol:/v',
        'busybox',
        'sh',
        '-c',
        'mkdir -p /v/app/conf && echo in-sub > /v/app/conf/f && ln -s / /v/escape && echo root-of-volume > /v/top',
      ]);
      const out = await ok(['run', '--rm', '--mount', 'type=volume,source=subvol,target=/m,volume-subpath=app/conf', 'busybox', 'cat', '/m/f']);
      assert.equal(out, 'in-sub\n');
      // A symlink in the volume resolves inside it, never to the host's /.
      const esc = await ok(['run', '--rm', '--mount', 'type=volume,source=subvol,target=/m,volume-subpath=escape', 'busybox', 'cat', '/m/top']);
      assert.equal(esc, 'root-of-volume\n');
      const py = await python([
        `c = api.create_container("busybox", ["cat", "/p/f"], host_config=api.create_host_config(mounts=[{"Type": "volume", "Source": "subvol", "Target": "/p", "VolumeOptions": {"Subpath": "app/conf"}}]))`,
        'api.start(c)',
        'api.wait(c)',
        'print(api.logs(c).decode().strip())',
        'api.remove_container(c)',
      ]);
      assert.equal(py.trim(), 'in-sub');
    });

    it("refuses a subpath out of the volume, on an anonymous volume, a missing one, and clients before 1.45, in Docker's words", async () => {
      const mk = (path: string, vo: Record<string, unknown>, source = 'subvol'): Promise<{ status: number; json: unknown }> =>
        d.api('POST', path, { Image: 'busybox', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'volume', Source: source, Target: '/m', VolumeOptions: vo }] } });
      const out = await mk('/containers/create', { Subpath: '../../etc' });
      assert.deepEqual([out.status, out.json], [400, { message: 'invalid mount config for type "volume": subpath must be a relative path within the volume' }]);
      const anon = await mk('/containers/create', { Subpath: 'x' }, '');
      assert.deepEqual(
        [anon.status, anon.json],
        [400, { message: 'invalid mount config for type "volume": must not set Subpath when using anonymous volumes' }],
      );
      const old = await mk('/v1.44/containers/create', { Subpath: 'app' });
      assert.deepEqual([old.status, old.json], [400, { message: 'VolumeOptions.Subpath needs API v1.45 or newer' }]);
      await fails(
        ['run', '--rm', '--mount', 'type=volume,source=subvol,target=/m,volume-subpath=nope', 'busybox', 'true'],
        /cannot access path .*nope: no such file or directory/,
      );
    });

    it('CreateMountpoint makes a missing bind source; read-only binds are recursive unless bind-recursive=writable', async () => {
      // The docker CLI 28.2 has no flag for CreateMountpoint (1.42): docker-py sends it.
      const made = join(tmp, 'made', 'here');
      await python([
        `c = api.create_container("busybox", ["true"], host_config=api.create_host_config(mounts=[{"Type": "bind", "Source": "${made}", "Target": "/b", "BindOptions": {"CreateMountpoint": True}}]))`,
        'api.start(c)',
        'api.wait(c)',
        'api.remove_container(c)',
      ]);
      assert.ok((await stat(made)).isDirectory());
      const noCreate = await d.docker(['run', '--rm', '--mount', `type=bind,source=${join(tmp, 'absent')},target=/b`, 'busybox', 'true']);
      assert.match(noCreate.stderr, /bind source path does not exist/);
      // A source with a submount: `ro` reaches into it (rro), `bind-recursive=writable` leaves it writable.
      const src = join(tmp, 'tree');
      await mkdir(join(src, 'sub'), { recursive: true });
      await run('mount', ['-t', 'tmpfs', 'tmpfs', join(src, 'sub')]);
      const deep = await d.docker(['run', '--rm', '--mount', `type=bind,source=${src},target=/t,readonly`, 'busybox', 'touch', '/t/sub/x']);
      assert.notEqual(deep.code, 0, 'recursively read-only');
      assert.match(deep.stderr, /Read-only file system/);
      await ok(['run', '--rm', '--mount', `type=bind,source=${src},target=/t,readonly,bind-recursive=writable`, 'busybox', 'touch', '/t/sub/x']);
      // Clients before 1.44 get the old non-recursive read-only binds.
      const c = await d.api('POST', '/v1.43/containers/create', { Image: 'busybox', Cmd: ['touch', '/t/sub/y'], HostConfig: { Binds: [`${src}:/t:ro`] } });
      const id = (c.json as { Id: string }).Id;
      await ok(['start', '-a', id]);
      await ok(['rm', id]);
      const force = await d.api('POST', '/v1.43/containers/create', {
        Image: 'busybox',
        HostConfig: { Mounts: [{ Type: 'bind', Source: src, Target: '/t', ReadOnly: true, BindOptions: { ReadOnlyForceRecursive: true } }] },
      });
      assert.deepEqual([force.status, force.json], [400, { message: 'BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer' }]);
      const rw = await d.api('POST', '/containers/create', {
        Image: 'busybox',
        HostConfig: { Mounts: [{ Type: 'bind', Source: src, Target: '/t', BindOptions: { ReadOnlyNonRecursive: true } }] },
      });
      assert.deepEqual(
        [rw.status, rw.json],
        [400, { message: `invalid mount config for type "bind": option 'ReadOnlyNonRecursive' requires 'ReadOnly' to be set` }],
      );
      await run('umount', [join(src, 'sub')]);
    });
  });
});
