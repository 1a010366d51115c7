/**
 * Where a diagnosis probes from, end to end against the simulator: probe pods (the production
 * path), the worker itself, or nowhere (then the steps that need probes say so).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DiagnoseRequest, diagnoseCluster } from '../../workers/diagnose.js';
import { mapDialer } from '../../workers/probe/dialer.js';
import { TEST_PROBE_PODS } from '../fixtures/probe-pods.js';
import { loadScenario, SCENARIOS_DIR } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/types.js';
import { type Simulation, startSimulation } from '../sim/simulate.js';

const PODS = TEST_PROBE_PODS;

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function diagnose(extra: Partial<DiagnoseRequest>, change: (s: Scenario) => void = () => {}) {
  const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
  change(scenario);
  sim = await startSimulation(scenario);
  const t = scenario.target;
  return diagnoseCluster({
    target: { namespace: t.namespace, pod: t.pod, domain: 'cart' },
    kubeconfig: sim.kubeconfigPath,
    prometheusUrl: sim.prometheus.url,
    now: () => new Date(scenario.now),
    ...extra,
  });
}

describe('diagnoseCluster probes', () => {
  it('probe pods: the client side from its node with its resolv.conf, the CoreDNS side with the node resolvers', async () => {
    const { report, evidence } = await diagnose({ probePods: PODS });
    expect(report.verdict.checkId).toBe('dns.healthy');
    const client = evidence.clientProbes;
    expect(client?.ok && client.value).toMatchObject({ where: 'probe-pod', node: 'kube-node-1' });
    const rc = evidence.podResolvConf?.ok ? evidence.podResolvConf.value : undefined;
    expect(rc?.source).toBe('probe-pod');
    // The kubelet wrote the probe's namespace; the evidence stands for the client's.
    expect(rc?.parsed.search).toEqual(['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    expect(evidence.nodeResolvConf?.ok && evidence.nodeResolvConf.value.nameservers).toEqual(['10.0.1.1']);
    const coredns = evidence.corednsSideProbes?.ok ? evidence.corednsSideProbes.value : undefined;
    expect(coredns?.results.some((r) => r.hop === 'upstream' && r.server === '10.0.1.1:53')).toBe(true);
    const cart = client?.ok
      ? client.value.traces?.find((t) => t.libc === 'glibc' && t.name === 'cart')
      : undefined;
    expect(cart?.result).toBe('answer');
    expect(report.connectivity.map((r) => r.result)).not.toContain('fails');
    // The guide's `telnet <apiserver_clusterip>` from CoreDNS's side.
    expect(report.connectivity.find((r) => r.hop === 'apiserver')).toMatchObject({
      server: '10.96.0.1:443',
      result: 'ok',
      from: 'CoreDNS node kube-node-2',
    });
    expect(report.connectivity.length).toBeGreaterThan(3);
  });

  it('probe pods refused by admission: the probe steps are inconclusive with the reason', async () => {
    const { report } = await diagnose({ probePods: PODS }, (s) => {
      s.probePods = { admissionDenied: 'admission webhook "no-pods.acme" denied the request: not here' };
    });
    expect(report.verdict.checkId).toBe('check.inconclusive');
    const connectivity = report.steps.find((s) => s.title.startsWith('Connectivity between'));
    expect(connectivity?.status).toBe('inconclusive');
    expect(connectivity?.reason).toMatch(/refused the probe pod in dnsmedic-probes: .*not here/);
    expect(report.connectivity).toEqual([]);
  });

  it('a probe pod that cannot be deleted is the first probe note, with how to collect it', async () => {
    const { report } = await diagnose({ probePods: PODS }, (s) => {
      s.faults.rules.push({ verb: 'delete', resource: 'pods', namespace: 'dnsmedic-probes', status: 500 });
    });
    expect(report.probeNotes[0]).toMatch(/^could not delete probe pod dnsmedic-probes\/dnsmedic-probe-/);
    expect(report.probeNotes[0]).toContain(
      'kubectl -n dnsmedic-probes delete pods -l app.kubernetes.io/name=dnsmedic-probe',
    );
    expect(report.verdict.checkId).toBe('dns.healthy');
  });

  it('worker-local probes are reported as such', async () => {
    const { evidence, report } = await diagnose({
      probeMode: 'local',
      // The simulation starts inside diagnose(): resolve through it when the probes run.
      dialer: mapDialer({
        resolve: (address, transport) => (sim as Simulation).addressMap.resolve(address, transport),
      }),
    });
    const client = evidence.clientProbes;
    expect(client?.ok && client.value.where).toBe('worker-local');
    expect(report.connectivity[0]?.from).toBe("dnsmedic's worker (not the client's node)");
  });

  it('probes off: the steps that need them are inconclusive and say how to turn them on', async () => {
    const { report } = await diagnose({ probeMode: 'off' });
    expect(report.verdict.checkId).toBe('check.inconclusive');
    expect(report.verdict.why).toMatch(/probes are off \(--probes pod/);
    expect(report.steps.find((s) => s.title.startsWith('Connectivity between'))?.status).toBe('inconclusive');
  });
});
