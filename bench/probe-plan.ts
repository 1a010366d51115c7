/**
 * The hop-by-hop probe plan on loopback (issue 4's target: a healthy plan under 300 ms): the
 * healthy kubeadm scenario's evidence, probed from the worker through the simulator's address map.
 */
import { join } from 'node:path';
import { loadScenario, SCENARIOS_DIR } from '../test/sim/scenario/load.js';
import { startSimulation } from '../test/sim/simulate.js';
import { diagnoseCluster } from '../workers/diagnose.js';
import { mapDialer } from '../workers/probe/index.js';
import { probeFromWorker } from '../workers/probe/plan.js';
import { type Benchmark, fmtMs, median, spread } from './harness.js';

const RUNS = 7;

export const probePlanBenchmark: Benchmark = {
  name: 'probe-plan',
  async run() {
    const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
    const sim = await startSimulation(scenario);
    try {
      const t = scenario.target;
      const { evidence } = await diagnoseCluster({
        target: { namespace: t.namespace, pod: t.pod },
        kubeconfig: sim.kubeconfigPath,
        now: () => new Date(scenario.now),
      });
      const dialer = mapDialer(sim.addressMap);
      const times: number[] = [];
      let queries = 0;
      let unanswered = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const run = await probeFromWorker(dialer, evidence);
        times.push(performance.now() - t0);
        const results = [run.clientProbes, run.corednsSideProbes].flatMap((g) =>
          g.ok ? g.value.results : [],
        );
        queries = results.reduce((n, r) => n + r.attempts, 0);
        unanswered = results.reduce((n, r) => n + r.attempts - r.answered, 0);
      }
      return [
        {
          benchmark: 'probe-plan',
          case: 'healthy hop-by-hop plan, loopback',
          median: fmtMs(median(times)),
          spread: spread(times),
          ratio: '',
          notes: `target < 300 ms; ${queries} queries, ${unanswered} unanswered`,
        },
      ];
    } finally {
      await sim.close();
    }
  },
};
