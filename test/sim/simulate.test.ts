/** The assembled simulation: what its DNS servers and address map do beyond each part's own tests. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mapDialer } from '../../workers/probe/dialer.js';
import { isAnswer, query } from '../../workers/probe/query.js';
import { loadScenario, SCENARIOS_DIR } from './scenario/load.js';
import { type Simulation, startSimulation } from './simulate.js';

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function ask(scenarioName: string, server: string) {
  sim = await startSimulation(loadScenario(join(SCENARIOS_DIR, `${scenarioName}.yaml`)));
  const [host = '', port = '53'] = server.split(':');
  const q = {
    name: 'kubernetes.default.svc.cluster.local',
    type: 'A' as const,
    transport: 'udp' as const,
    timeoutMs: 300,
  };
  return query(mapDialer(sim.addressMap), { host, port: Number(port) }, q);
}

describe('startSimulation', () => {
  it('a running CoreDNS pod answers at its IP', async () => {
    expect(isAnswer(await ask('healthy-kubeadm', '10.244.2.3:53'))).toBe(true);
  });

  it('a crash-looping CoreDNS pod answers nothing at its IP, whatever its DNS entry says', async () => {
    const outcome = await ask('coredns-loop-detected', '10.244.2.3:53');
    expect(isAnswer(outcome)).toBe(false);
    expect(outcome).toMatchObject({ error: 'timeout' });
  });
});
