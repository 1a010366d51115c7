/**
 * The hop-by-hop probe plan on loopback (issue 4's target: a healthy plan under 300 ms): the
 * healthy kubeadm scenario's evidence, probed from the worker through the simulator's address map.
 */
import { join } from 'node:path';
import type { Evidence } from '../playbooks/model/evidence.js';
import { loadScenario, SCENARIOS_DIR } from '../test/sim/scenario/load.js';
import { startSimulation } from '../test/sim/simulate.js';
import { diagnoseCluster } from '../workers/diagnose.js';
import { createProbePodApi } from '../workers/k8s/probe-pods.js';
import { mapDialer } from '../workers/probe/index.js';
import { probeFromWorker } from '../workers/probe/plan.js';
import { probeWithPods } from '../workers/probe-pod/probe.js';
import { type Benchmark, fmtMs, median, type Row, spread } from './harness.js';

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
        await probePodRow(sim.kubeconfigPath, evidence),
      ];
    } finally {
      await sim.close();
    }
  },
};

/** The same plan through probe pods: create both pods, the simulator's kubelet runs them, read, delete. */
async function probePodRow(kubeconfig: string, evidence: Evidence): Promise<Row> {
  const api = createProbePodApi({ kubeconfig, requestTimeoutMs: 5000 });
  const settings = {
    namespace: 'dnsmedic-probes',
    image: 'dnsmedic:bench',
    deadlineSeconds: 60,
    allowHostNetwork: false,
    timeoutMs: 10_000,
    pollMs: 10,
  };
  const times: number[] = [];
  let queries = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const run = await probeWithPods(api, evidence, settings);
    times.push(performance.now() - t0);
    queries = [run.clientProbes, run.corednsSideProbes]
      .flatMap((g) => (g.ok ? g.value.results : []))
      .reduce((n, r) => n + r.attempts, 0);
  }
  return {
    benchmark: 'probe-plan',
    case: 'the same through probe pods (simulator: create, run, log, delete)',
    median: fmtMs(median(times)),
    spread: spread(times),
    ratio: '',
    notes: `${queries} queries and connects, resolver traces; poll every 10 ms`,
  };
}
