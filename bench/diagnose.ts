/**
 * Time to verdict of `diagnose` on a healthy simulated cluster with 2,000 pods, 3 CoreDNS replicas
 * and 5 ms added to every API request, gathering in parallel (the product) against gathering one
 * request at a time (concurrency 1), in the same run. Also counts the API requests made.
 */
import { join } from 'node:path';
import { loadScenario, SCENARIOS_DIR } from '../test/sim/scenario/load.js';
import type { K8sObject, Scenario } from '../test/sim/scenario/types.js';
import { startSimulation } from '../test/sim/simulate.js';
import { diagnoseCluster } from '../workers/diagnose.js';
import { type Benchmark, fmtMs, median, spread } from './harness.js';

const RUNS = 5;
/** The simulator's kubelet runs a probe at once: poll often, as the CLI does in scenario mode. */
const PROBE_PODS = {
  namespace: 'dnsmedic-probes',
  image: 'dnsmedic:bench',
  deadlineSeconds: 60,
  allowHostNetwork: false,
  timeoutMs: 10_000,
  pollMs: 20,
};
const EXTRA_PODS = 2000;

/** The kubeadm base, grown to 2,000 pods and a third CoreDNS replica, with 5 ms API latency. */
function bigCluster(): Scenario {
  const s = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
  const coredns = s.objects.find((o) => o.kind === 'Pod' && o.metadata.name.startsWith('coredns-'));
  const objects: K8sObject[] = [...s.objects];
  if (coredns) {
    const third = structuredClone(coredns);
    third.metadata.name = `${coredns.metadata.name.slice(0, -5)}zz9q7`;
    objects.push(third);
    const key = `kube-system/${coredns.metadata.name}/coredns`;
    if (s.logs[key]) s.logs[`kube-system/${third.metadata.name}/coredns`] = s.logs[key];
  }
  for (let i = 0; i < EXTRA_PODS; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `app-${i}`, namespace: `team-${i % 40}`, labels: { app: `app-${i % 100}` } },
      spec: { nodeName: 'kube-node-1', containers: [{ name: 'app', image: 'nginx:1.27' }] },
      status: { phase: 'Running', podIP: `10.245.${Math.floor(i / 250)}.${i % 250}` },
    });
  }
  return { ...s, objects, faults: { latencyMs: 5, rules: [] } };
}

export const diagnoseBenchmark: Benchmark = {
  name: 'diagnose',
  async run() {
    const scenario = bigCluster();
    const sim = await startSimulation(scenario);
    try {
      const t = scenario.target;
      const measure = async (concurrency: number, probes = false) => {
        const times: number[] = [];
        let requests = 0;
        let verdict = '';
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          const d = await diagnoseCluster({
            target: { namespace: t.namespace, pod: t.pod },
            kubeconfig: sim.kubeconfigPath,
            prometheusUrl: sim.prometheus.url,
            now: () => new Date(scenario.now),
            concurrency,
            probeMode: probes ? 'pod' : 'off',
            ...(probes ? { probePods: PROBE_PODS } : {}),
          });
          times.push(performance.now() - t0);
          requests = d.requests;
          verdict = d.report.verdict.checkId;
        }
        return { times, requests, verdict };
      };
      const sequential = await measure(1);
      const parallel = await measure(8);
      const full = await measure(8, true);
      const seq = median(sequential.times);
      const par = median(parallel.times);
      const note = (r: { requests: number; verdict: string }) =>
        `${r.requests} API requests, verdict ${r.verdict}`;
      return [
        {
          benchmark: 'diagnose',
          case: 'baseline: sequential gathering',
          median: fmtMs(seq),
          spread: spread(sequential.times),
          ratio: '1.0x',
          notes: note(sequential),
        },
        {
          benchmark: 'diagnose',
          case: `2,000 pods, 3 CoreDNS, 5 ms API`,
          median: fmtMs(par),
          spread: spread(parallel.times),
          ratio: `${(par / seq).toFixed(2)}x sequential`,
          notes: `target < 1.5 s; ${note(parallel)} (probes off)`,
        },
        {
          benchmark: 'diagnose',
          case: 'the same with probe pods (the whole walk)',
          median: fmtMs(median(full.times)),
          spread: spread(full.times),
          ratio: `${(median(full.times) / seq).toFixed(2)}x sequential`,
          notes: `target < 1.5 s; ${note(full)} (+ pod create/get/log/delete)`,
        },
      ];
    } finally {
      await sim.close();
    }
  },
};
