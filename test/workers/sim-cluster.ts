/**
 * Starts the simulated API server (and Prometheus) for a scenario and writes its kubeconfig to a
 * temporary file, as a user's kubeconfig would be; `stop` closes both and removes the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimApiServer, startApiServer } from '../sim/apiserver/index.js';
import { type SimPrometheus, startPrometheus } from '../sim/prometheus.js';
import type { Scenario } from '../sim/scenario/types.js';

export interface SimCluster {
  api: SimApiServer;
  prometheus: SimPrometheus;
  kubeconfig: string;
  /** `GET /path?query` of every request the API server answered, in order. */
  gets(): string[];
  stop(): Promise<void>;
}

export async function startCluster(scenario: Scenario): Promise<SimCluster> {
  const [api, prometheus] = await Promise.all([startApiServer(scenario), startPrometheus(scenario)]);
  const dir = await mkdtemp(join(tmpdir(), 'dnsmedic-gather-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, api.kubeconfig);
  return {
    api,
    prometheus,
    kubeconfig,
    gets: () =>
      api.requests
        .filter((r) => r.method === 'GET')
        .map((r) => `GET ${r.path}${r.query ? `?${r.query}` : ''}`),
    stop: async () => {
      await Promise.all([api.close(), prometheus.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
