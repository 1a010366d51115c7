import { isIP, isIPv4 } from 'node:net';

/** Where a simulated DNS server really listens: loopback, a UDP port and a TCP port. */
export interface Endpoint {
  host: string;
  port: number;
  tcpPort: number;
}

/**
 * Thrown for a cluster address no simulated server stands for. In simulator and test mode the
 * prober must never send to an address it was not given: the packet would leave loopback.
 */
export class AddressNotMappedError extends Error {
  override readonly name = 'AddressNotMappedError';
  constructor(
    readonly address: string,
    reason = 'no simulated server is mapped to it',
  ) {
    super(
      `refusing to send DNS to ${address}: ${reason} (in simulator and test mode no packet may leave loopback)`,
    );
  }
}

/** 127.0.0.0/8 and ::1: the only hosts the simulator listens on and the map may point to. */
export function isLoopbackAddress(host: string): boolean {
  if (isIPv4(host)) return host.startsWith('127.');
  return canonicalIPv6(host) === '::1';
}

/**
 * Canonical `ip:port` for a cluster address (`10.96.0.10:53`, `[fd00::a]:53`), or undefined when
 * it is not one: a bare IP, a host name or a bad port are refused rather than guessed at.
 */
export function canonicalAddress(address: string): string | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address.trim());
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  const v6 = match[1];
  if (v6 !== undefined) {
    const canonical = canonicalIPv6(v6);
    return canonical === undefined ? undefined : `[${canonical}]:${port}`;
  }
  const v4 = match[2] ?? '';
  return isIPv4(v4) ? `${v4}:${port}` : undefined;
}

/** Compressed lower-case form, so `fd00:0::A` and `fd00::a` name the same server. */
function canonicalIPv6(ip: string): string | undefined {
  if (isIP(ip) !== 6) return undefined;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** Cluster address `ip:port` -> the loopback endpoint of the simulated server standing for it. */
export class AddressMap {
  readonly #endpoints = new Map<string, Endpoint>();

  set(clusterAddress: string, endpoint: Endpoint): void {
    const key = canonicalAddress(clusterAddress);
    if (key === undefined) throw new Error(`not a cluster address (ip:port): ${clusterAddress}`);
    // The map is the loopback guarantee: an endpoint elsewhere would defeat it.
    if (!isLoopbackAddress(endpoint.host)) {
      throw new Error(`endpoint for ${clusterAddress} must be on loopback, got ${endpoint.host}`);
    }
    this.#endpoints.set(key, { ...endpoint });
  }

  has(clusterAddress: string): boolean {
    const key = canonicalAddress(clusterAddress);
    return key !== undefined && this.#endpoints.has(key);
  }

  /** The mapped cluster addresses, canonical form. */
  addresses(): string[] {
    return [...this.#endpoints.keys()];
  }

  /** The loopback endpoint for a cluster address; throws AddressNotMappedError for anything not covered: in simulator and test mode no packet may leave loopback. */
  resolve(clusterAddress: string, transport: 'udp' | 'tcp'): { host: string; port: number } {
    const key = canonicalAddress(clusterAddress);
    if (key === undefined) throw new AddressNotMappedError(clusterAddress, 'not an ip:port address');
    const endpoint = this.#endpoints.get(key);
    if (endpoint === undefined) throw new AddressNotMappedError(clusterAddress);
    return { host: endpoint.host, port: transport === 'udp' ? endpoint.port : endpoint.tcpPort };
  }
}
