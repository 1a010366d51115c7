import { isIP } from 'node:net';
import { formatServer, type ServerAddress, serverProblem } from './validate.js';

/**
 * Maps the cluster address a probe is about (`10.96.0.10:53`) to where its packets really go.
 * The prober sends only to what a dialer returns, so in simulator and test mode the dialer is the
 * single place that keeps every packet on loopback. A dialer refuses by throwing.
 */
export interface Dialer {
  route(server: ServerAddress, transport: 'udp' | 'tcp'): ServerAddress;
}

/** Production: packets go to the cluster address itself (an IP literal, never a name to resolve). */
export const directDialer: Dialer = {
  route(server) {
    const problem = serverProblem(server);
    if (problem !== undefined) throw new RangeError(`refusing to send DNS: ${problem}`);
    return { host: server.host, port: server.port };
  },
};

/** What the simulator's AddressMap offers (test/sim/dns), so production code does not import tests. */
export interface AddressResolver {
  /** Throws for an address it does not cover. */
  resolve(clusterAddress: string, transport: 'udp' | 'tcp'): { host: string; port: number };
}

/**
 * Simulator and test mode: the map decides, and refuses anything unmapped. A mapped endpoint off
 * loopback is refused too, so a wrong map cannot let a test packet out.
 */
export function mapDialer(map: AddressResolver): Dialer {
  return {
    route(server, transport) {
      const endpoint = map.resolve(formatServer(server), transport);
      if (!isLoopback(endpoint.host)) {
        throw new Error(`refusing to send DNS to ${endpoint.host}: simulator endpoints must be on loopback`);
      }
      return { host: endpoint.host, port: endpoint.port };
    },
  };
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  // The URL parser compresses any spelling of ::1 (0:0:...:1) to the one form.
  return isIP(host) === 6 && new URL(`http://[${host}]/`).hostname === '[::1]';
}
