/**
 * One running simulated cluster: the Kubernetes API stand-in, the Prometheus stand-in and the
 * scenario's DNS servers, all on loopback, plus a kubeconfig file any client can use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimApiServer, startApiServer } from './apiserver/index.js';
import type { RbacPolicy } from './apiserver/rbac.js';
import { type AddressMap, startDnsServers } from './dns/index.js';
import { type SimPrometheus, startPrometheus } from './prometheus.js';
import { kubernetesServiceAddress } from './scenario/api-server.js';
import type { Scenario } from './scenario/types.js';

export interface Simulation {
  scenario: Scenario;
  api: SimApiServer;
  prometheus: SimPrometheus;
  /** Cluster DNS addresses mapped to the loopback servers; anything unmapped is refused. */
  addressMap: AddressMap;
  kubeconfigPath: string;
  close(): Promise<void>;
}

export interface SimulationOptions {
  /** Enforce these permissions (deploy/rbac.yaml) on every API request. */
  rbac?: RbacPolicy;
}

export async function startSimulation(
  scenario: Scenario,
  kubeconfigPath?: string,
  options: SimulationOptions = {},
): Promise<Simulation> {
  const started: { close(): Promise<void> }[] = [];
  const start = async <T extends { close(): Promise<void> }>(part: Promise<T>): Promise<T> => {
    const running = await part;
    started.push(running);
    return running;
  };
  let dns: Awaited<ReturnType<typeof startDnsServers>>;
  let api: SimApiServer;
  let prometheus: SimPrometheus;
  try {
    dns = await start(startDnsServers(withDownPodsSilent(scenario)));
    // Probe pods the API stand-in runs reach the same DNS servers, through the same map.
    api = await start(
      startApiServer(scenario, { addressMap: dns.map, ...(options.rbac ? { rbac: options.rbac } : {}) }),
    );
    prometheus = await start(startPrometheus(scenario));
    await mapApiServer(scenario, dns.map, api.url);
  } catch (err) {
    // What did start must not keep listening.
    await Promise.all(started.map((p) => p.close()));
    throw err;
  }
  const dir = kubeconfigPath ? undefined : mkdtempSync(join(tmpdir(), 'dnsmedic-sim-'));
  const path = kubeconfigPath ?? join(dir ?? '.', 'kubeconfig');
  writeFileSync(path, api.kubeconfig, { mode: 0o600 });
  return {
    scenario,
    api,
    prometheus,
    addressMap: dns.map,
    kubeconfigPath: path,
    async close() {
      await Promise.all([api.close(), prometheus.close(), dns.close()]);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A DNS server at the IP of a pod whose containers are not running (crash-looping, waiting,
 * terminated) answers nothing, whatever the scenario's entry for that address says.
 */
function withDownPodsSilent(scenario: Scenario): Scenario['dns'] {
  const down = new Set<string>();
  for (const o of scenario.objects) {
    if (o.kind !== 'Pod') continue;
    const status = o.status as
      | { podIP?: string; containerStatuses?: { state?: { running?: unknown } }[] }
      | undefined;
    const containers = status?.containerStatuses ?? [];
    if (status?.podIP && containers.length > 0 && containers.every((c) => !c.state?.running))
      down.add(status.podIP);
  }
  return Object.fromEntries(
    Object.entries(scenario.dns).map(([address, behaviour]) => {
      const host = address.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^([^:]+):\d+$/, '$1');
      return [address, down.has(host) ? { ...behaviour, silent: 'both' as const } : behaviour];
    }),
  );
}

/**
 * The `kubernetes` Service (how pods, CoreDNS included, reach the API server) maps to the API
 * stand-in; listed in `network.refused`, to a loopback port nothing listens on.
 */
async function mapApiServer(scenario: Scenario, map: AddressMap, apiUrl: string): Promise<void> {
  const address = kubernetesServiceAddress(scenario);
  if (!address) return;
  const port = scenario.network.refused.includes(address) ? await closedPort() : Number(new URL(apiUrl).port);
  map.set(address, { host: '127.0.0.1', port, tcpPort: port });
}

/** A loopback port that was free a moment ago: connections to it are refused. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
