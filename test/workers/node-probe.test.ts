/**
 * The opt-in node probe: what it reads on this machine (real /proc and /dev/kmsg, whatever this
 * kernel allows), and through the simulator's kubelet, merged with Prometheus's node facts.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diagnoseCluster } from '../../workers/diagnose.js';
import { kmsgMessage, readNodeFacts } from '../../workers/probe/node-reading.js';
import { PROBE_SPEC_VERSION, type ProbeSpec } from '../../workers/probe/spec.js';
import { probePodManifest } from '../../workers/probe-pod/manifest.js';
import { TEST_PROBE_PODS } from '../fixtures/probe-pods.js';
import { loadScenario, SCENARIOS_DIR } from '../sim/scenario/load.js';
import { type Simulation, startSimulation } from '../sim/simulate.js';

describe('node reading', () => {
  it('takes the message of a /dev/kmsg record', () => {
    expect(
      kmsgMessage('4,1234,5678901,-;nf_conntrack: nf_conntrack: table full, dropping packet\n SUBSYSTEM=net'),
    ).toBe('nf_conntrack: nf_conntrack: table full, dropping packet');
    expect(kmsgMessage('plain line')).toBe('plain line');
  });

  it('reads this machine: a number or the reason for each fact, never a throw', () => {
    const r = readNodeFacts();
    if (r.conntrackEntries === undefined) expect(r.problems.join('\n')).toMatch(/nf_conntrack_count/);
    else expect(r.conntrackEntries).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(r.kernelLog)).toBe(true);
    for (const line of r.kernelLog) expect(line).toMatch(/conntrack|neigh/i);
  });

  it('the node probe pod is privileged on the host network; only it', () => {
    const spec: ProbeSpec = {
      version: PROBE_SPEC_VERSION,
      count: 1,
      timeoutMs: 100,
      series: [],
      nodeFacts: true,
    };
    const settings = {
      namespace: 'dnsmedic-probes',
      image: 'x',
      deadlineSeconds: 60,
      allowHostNetwork: false,
    };
    const node = probePodManifest({ side: 'node', node: 'n1', spec, runId: 'r' }, settings) as {
      spec: { hostNetwork?: boolean; containers: { securityContext: { privileged?: boolean } }[] };
    };
    expect(node.spec.hostNetwork).toBe(true);
    expect(node.spec.containers[0]?.securityContext.privileged).toBe(true);
    const coredns = probePodManifest(
      { side: 'coredns', node: 'n1', spec, runId: 'r' },
      settings,
    ) as typeof node;
    expect(coredns.spec.containers[0]?.securityContext.privileged).toBeUndefined();
  });
});

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PODS = TEST_PROBE_PODS;

async function diagnose(withPrometheus: boolean, nodeProbe: boolean) {
  const scenario = loadScenario(join(SCENARIOS_DIR, 'node-conntrack-full.yaml'));
  sim = await startSimulation(scenario);
  return diagnoseCluster({
    target: { namespace: scenario.target.namespace, pod: scenario.target.pod },
    kubeconfig: sim.kubeconfigPath,
    ...(withPrometheus ? { prometheusUrl: sim.prometheus.url } : {}),
    now: () => new Date(scenario.now),
    probePods: { ...PODS, nodeProbe },
  });
}

describe('node probe in a diagnosis (simulator)', () => {
  it("adds the kernel log to Prometheus's series", async () => {
    const { evidence, report } = await diagnose(true, true);
    const facts = evidence.nodeFacts?.ok ? evidence.nodeFacts.value : undefined;
    expect(facts?.source).toBe('prometheus+node-probe');
    expect(facts?.kernelLog?.join('\n')).toMatch(/table full, dropping packet/);
    expect(report.verdict.checkId).toBe('node.conntrack-full');
  });

  it('stands alone without Prometheus', async () => {
    const { evidence, report } = await diagnose(false, true);
    const facts = evidence.nodeFacts?.ok ? evidence.nodeFacts.value : undefined;
    expect(facts).toMatchObject({ source: 'node-probe', conntrackEntries: 131072, conntrackMax: 131072 });
    expect(report.verdict.checkId).toBe('node.conntrack-full');
  });

  it('without it and without Prometheus, the node step cannot see', async () => {
    const { evidence } = await diagnose(false, false);
    expect(evidence.nodeFacts?.ok).toBe(false);
  });
});
