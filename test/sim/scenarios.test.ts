/**
 * Every shipped scenario, diagnosed end to end: the simulator over real HTTP, the real
 * @kubernetes/client-node, the real gatherer and playbook. The verdict must be the expected one.
 * Filter with `npx vitest run test/sim/scenarios.test.ts -t <name>`.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../playbooks/catalog.js';
import { diagnoseCluster } from '../../workers/diagnose.js';
import { leftoverProbePods, TEST_PROBE_PODS } from '../fixtures/probe-pods.js';
import { listScenarios, loadScenario, SCENARIOS_DIR } from './scenario/load.js';
import { type Simulation, startSimulation } from './simulate.js';

const shipped = listScenarios();
const running: Simulation[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
});

async function diagnoseScenario(name: string) {
  const scenario = loadScenario(join(SCENARIOS_DIR, `${name}.yaml`));
  const sim = await startSimulation(scenario);
  running.push(sim);
  const t = scenario.target;
  const target = t.domain
    ? { namespace: t.namespace, pod: t.pod, domain: t.domain }
    : { namespace: t.namespace, pod: t.pod };
  const { report } = await diagnoseCluster({
    target,
    kubeconfig: sim.kubeconfigPath,
    prometheusUrl: sim.prometheus.url,
    deadlineMs: 10_000,
    now: () => new Date(scenario.now),
    // Probe pods, as `dnsmedic diagnose --scenario` and production run them: the simulator's kubelet
    // runs the real probe code through the address map; create, wait, log and delete are real API calls.
    probePods: TEST_PROBE_PODS,
  });
  // Every probe pod is deleted, whatever happened to it.
  expect(await leftoverProbePods(sim)).toEqual([]);
  return { scenario, report };
}

describe('shipped scenarios', () => {
  it('exist, and at least one is healthy', () => {
    expect(shipped.length).toBeGreaterThan(0);
    expect(shipped.some((s) => s.verdict === 'dns.healthy')).toBe(true);
  });

  it.each(shipped.map((s) => [s.name, s.verdict]))('%s gives %s', async (name) => {
    const { scenario, report } = await diagnoseScenario(name);
    const found = report.findings.map((f) => f.checkId);
    const why = `${name}: verdict ${report.verdict.checkId} (${report.verdict.title}); findings ${found.join(', ') || 'none'}`;
    expect(report.verdict.checkId, why).toBe(scenario.expect.verdict);
    for (const id of scenario.expect.findings) expect(found, why).toContain(id);
    for (const id of scenario.expect.absent) expect(found, why).not.toContain(id);
    if (scenario.expect.verdict === 'dns.healthy') {
      expect(
        report.findings.filter((f) => f.severity === 'critical'),
        why,
      ).toEqual([]);
    }
    // The verdict is never an advisory row.
    if (report.verdict.checkId in CATALOG)
      expect(CATALOG[report.verdict.checkId as keyof typeof CATALOG].kind).toBe('cause');
  });
});

describe('catalog coverage', () => {
  const all = shipped.map((s) => loadScenario(join(SCENARIOS_DIR, `${s.name}.yaml`)));
  it.each(Object.keys(CATALOG))('%s has a scenario that finds it and a near miss that does not', (id) => {
    const finds = all.filter((s) => s.expect.verdict === id || s.expect.findings.includes(id));
    const nearMiss = all.filter((s) => s.expect.verdict === 'dns.healthy' && s.expect.absent.includes(id));
    expect(
      finds.map((s) => s.name),
      `${id}: no scenario finds it`,
    ).not.toEqual([]);
    expect(
      nearMiss.map((s) => s.name),
      `${id}: no healthy near miss`,
    ).not.toEqual([]);
  });
});
