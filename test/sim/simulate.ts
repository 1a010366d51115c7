/**
 * One running simulated cluster: the Kubernetes API stand-in, the Prometheus stand-in and the
 * scenario's DNS servers, all on loopback, plus a kubeconfig file any client can use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimApiServer, startApiServer } from './apiserver/index.js';
import { type AddressMap, startDnsServers } from './dns/index.js';
import { type SimPrometheus, startPrometheus } from './prometheus.js';
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

export async function startSimulation(scenario: Scenario, kubeconfigPath?: string): Promise<Simulation> {
  const dns = await startDnsServers(scenario.dns);
  // Probe pods the API stand-in runs reach the same DNS servers, through the same map.
  const api = await startApiServer(scenario, { addressMap: dns.map });
  const prometheus = await startPrometheus(scenario);
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
