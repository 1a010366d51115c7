import type { DnsServerBehaviour } from '../scenario/types.js';
import { AddressMap } from './address-map.js';
import { type SimDnsServer, startDnsServer } from './server.js';

export {
  AddressMap,
  AddressNotMappedError,
  canonicalAddress,
  type Endpoint,
  isLoopbackAddress,
} from './address-map.js';
export { type QueryRecord, type SimDnsServer, startDnsServer } from './server.js';

export interface SimDnsServers {
  /** Cluster address -> loopback endpoint, for the prober. */
  map: AddressMap;
  /** The running servers by cluster address, as written in the scenario (for their query logs). */
  servers: Map<string, SimDnsServer>;
  close(): Promise<void>;
}

/** Starts one loopback server per scenario DNS entry (`ip:port` -> behaviour) and maps each address to it. */
export async function startDnsServers(servers: Record<string, DnsServerBehaviour>): Promise<SimDnsServers> {
  const map = new AddressMap();
  const running = new Map<string, SimDnsServer>();
  const closeAll = async () => {
    await Promise.all([...running.values()].map((s) => s.close()));
  };
  try {
    for (const [address, behaviour] of Object.entries(servers)) {
      const server = await startDnsServer(behaviour);
      running.set(address, server);
      map.set(address, { host: server.host, port: server.udpPort, tcpPort: server.tcpPort });
    }
  } catch (err) {
    // A bad entry (address or record) must not leave the ones already started listening.
    await closeAll();
    throw err;
  }
  return { map, servers: running, close: closeAll };
}
