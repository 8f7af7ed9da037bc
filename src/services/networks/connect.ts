import { type ContainerRecord, isLive } from '../../core/containers.js';
import { BerthError, invalidArgument } from '../../lib/errdefs.js';
import type { NetworkDeps } from './deps.js';
import { emptyEndpoint, validateEndpoint, type EndpointRequest } from './endpoints.js';
import { attachEndpoint, detachEndpoint, writeEndpointEtcFiles } from './sandbox.js';

const forbidden = (msg: string): BerthError => new BerthError('Forbidden', msg);

/** `network connect`: records the endpoint; a running container is attached at once (next ethN). */
export async function connectContainer(deps: NetworkDeps, netRef: string, containerRef: string, req: EndpointRequest = {}): Promise<void> {
  const net = deps.store.get(netRef);
  const rec = deps.containers.get(containerRef);
  if (net.Driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
  if (net.Driver === 'null') throw invalidArgument('container cannot be connected to multiple networks with one of the networks in private (none) mode');
  const mode = rec.HostConfig.NetworkMode ?? '';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    throw forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
  }
  validateEndpoint(deps, net.Name, req);
  await deps.locks.run(rec.Id, async () => {
    const settings = (rec.NetworkSettings ??= { Networks: {}, Ports: [] });
    if (Object.values(settings.Networks).some((e) => e.NetworkID === net.Id)) {
      throw forbidden(`endpoint with name ${rec.Name} already exists in network ${net.Name}`);
    }
    const ep = emptyEndpoint(net.Id, req);
    const live = isLive(rec);
    if (live) await attachEndpoint(deps, rec, ep, net, []);
    settings.Networks[net.Name] = ep;
    if (live) await refreshEtcFiles(deps, rec);
    await deps.containers.save(rec);
  });
  deps.events.publish('network', 'connect', net.Id, { container: rec.Id, name: net.Name, type: net.Driver });
}

/** `network disconnect`: a running container loses the interface at once. */
export async function disconnectContainer(deps: NetworkDeps, netRef: string, containerRef: string): Promise<void> {
  const net = deps.store.get(netRef);
  const rec = deps.containers.get(containerRef);
  if (net.Driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
  await deps.locks.run(rec.Id, async () => {
    const entry = Object.entries(rec.NetworkSettings?.Networks ?? {}).find(([, e]) => e.NetworkID === net.Id);
    if (entry === undefined) throw forbidden(`container ${rec.Id} is not connected to network ${net.Name}`);
    if (net.Driver === 'bridge') await detachEndpoint(deps, rec, entry[1], net);
    delete rec.NetworkSettings!.Networks[entry[0]];
    await deps.containers.save(rec);
    // Its nameserver may have been the responder of the network it left: the next DNS network's serves.
    if (isLive(rec)) await refreshEtcFiles(deps, rec);
  });
  deps.events.publish('network', 'disconnect', net.Id, { container: rec.Id, name: net.Name, type: net.Driver });
}

/** /etc/hosts and resolv.conf after a connect or disconnect; a link to a container that stopped since must not undo a change that is done. */
function refreshEtcFiles(deps: NetworkDeps, rec: ContainerRecord): Promise<void> {
  return writeEndpointEtcFiles(deps, rec).catch((err: Error) => deps.log(`/etc files of ${rec.Id.slice(0, 12)}: ${err.message}`));
}
