/**
 * A probe pod's whole life against the simulator over real HTTP, with the real client library:
 * create, wait, read the log, delete; and every way it goes wrong (refused by admission or RBAC,
 * rejected by the node, hanging, a missing namespace, a delete that fails). Nothing is left behind.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../playbooks/model/k8s.js';
import { createProbePodApi } from '../../workers/k8s/probe-pods.js';
import { PROBE_SPEC_VERSION, type ProbeSpec } from '../../workers/probe/spec.js';
import { type ProbePodSettings, probePodManifest } from '../../workers/probe-pod/manifest.js';
import { runProbePod } from '../../workers/probe-pod/run.js';
import { leftoverProbePods } from '../fixtures/probe-pods.js';
import { loadScenario, SCENARIOS_DIR } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/types.js';
import { type Simulation, startSimulation } from '../sim/simulate.js';

const NS = 'dnsmedic-probes';
const SETTINGS: ProbePodSettings = {
  namespace: NS,
  image: 'dnsmedic:test',
  deadlineSeconds: 60,
  allowHostNetwork: false,
};
const SPEC: ProbeSpec = {
  version: PROBE_SPEC_VERSION,
  count: 3,
  timeoutMs: 300,
  series: [
    {
      target: { host: '10.96.0.10', port: 53, hop: 'dns-service', side: 'client' },
      query: { name: 'kubernetes.default.svc.cluster.local', type: 'A', transport: 'udp', timeoutMs: 300 },
    },
  ],
};

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(change: (s: Scenario) => void = () => {}) {
  const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
  change(scenario);
  sim = await startSimulation(scenario);
  const api = createProbePodApi({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 2000 });
  const client = (scenario.objects.find((o) => o.kind === 'Pod' && o.metadata.name === scenario.target.pod) ??
    null) as unknown as Pod;
  const manifest = (spec: ProbeSpec = SPEC) =>
    probePodManifest({ side: 'client', node: 'kube-node-1', spec, client, runId: 'test' }, SETTINGS);
  return { sim, api, manifest };
}

describe('runProbePod', () => {
  it('runs the probe on the pinned node, reads its report and deletes the pod', async () => {
    const { sim, api, manifest } = await start();
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.node).toBe('kube-node-1');
    expect(outcome.report.results[0]).toMatchObject({ answered: 3, rcodes: { NOERROR: 3 } });
    // The kubelet wrote the client's resolv.conf, with the probe's own namespace first.
    expect(outcome.report.resolvConf).toMatch(
      /^search dnsmedic-probes\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m,
    );
    expect(outcome.report.resolvConf).toMatch(/^nameserver 10\.96\.0\.10$/m);
    expect(await leftoverProbePods(sim)).toEqual([]);
    const deletes = sim.api.requests.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(1);
  });

  it('a pod refused by admission: the reason is the webhook message, nothing is created', async () => {
    const message =
      'admission webhook "validate.kyverno.svc-fail" denied the request: images must come from registry.acme.internal';
    const { sim, api, manifest } = await start((s) => {
      s.probePods = { admissionDenied: message };
    });
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome).toMatchObject({ ok: false });
    if (outcome.ok) return;
    expect(outcome.reason).toContain('refused the probe pod');
    expect(outcome.reason).toContain('images must come from registry.acme.internal');
    expect(outcome.rule).toBeUndefined();
    expect(await leftoverProbePods(sim)).toEqual([]);
  });

  it('RBAC forbids the create: the reason names the rule that would allow it', async () => {
    const { api, manifest } = await start((s) => {
      s.faults.rules.push({ verb: 'create', resource: 'pods', namespace: NS, status: 403 });
    });
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome).toMatchObject({
      ok: false,
      rule: { verb: 'create', resource: 'pods', apiGroup: '', namespace: NS },
    });
  });

  it('a pod the node rejects: the reason is the kubelet reason, and the pod is deleted', async () => {
    const { sim, api, manifest } = await start((s) => {
      s.probePods = {
        nodeRejects: {
          reason: 'OutOfpods',
          message: "Node didn't have enough resource: pods, requested: 1, used: 110, capacity: 110",
        },
      };
    });
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome).toMatchObject({ ok: false });
    if (outcome.ok) return;
    expect(outcome.reason).toMatch(
      /the node kube-node-1 refused probe pod .*OutOfpods: Node didn't have enough resource: pods/,
    );
    expect(await leftoverProbePods(sim)).toEqual([]);
  });

  it('a probe that hangs costs one timeout, and its pod is deleted', async () => {
    const { sim, api, manifest } = await start((s) => {
      s.probePods = { hang: true };
    });
    const t0 = performance.now();
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 400, pollMs: 20 });
    const ms = performance.now() - t0;
    expect(outcome).toMatchObject({ ok: false });
    if (outcome.ok) return;
    expect(outcome.reason).toMatch(/did not finish within 0\.4 s \(Running\)/);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(await leftoverProbePods(sim)).toEqual([]);
  });

  it('a stopped diagnosis abandons the wait at once, and the pod is still deleted', async () => {
    const { sim, api, manifest } = await start((s) => {
      s.probePods = { hang: true };
    });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const t0 = performance.now();
    const outcome = await runProbePod(api, NS, manifest(), {
      timeoutMs: 5000,
      pollMs: 1000,
      signal: stop.signal,
    });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/was abandoned: the diagnosis was stopped/),
    });
    expect(await leftoverProbePods(sim)).toEqual([]);
  });

  it.each([
    ['reading its status', { verb: 'get' as const, resource: 'pods', namespace: NS, status: 500 }],
    ['reading its log', { verb: 'get' as const, resource: 'pods/log', namespace: NS, status: 500 }],
  ])('an API error while %s: the reason, and the pod deleted', async (_label, fault) => {
    const { sim, api, manifest } = await start((s) => {
      s.faults.rules.push(fault);
    });
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/500/) });
    expect(await leftoverProbePods(sim)).toEqual([]);
  });

  it('a delete that fails is reported with how to collect the leftover', async () => {
    const { api, manifest } = await start((s) => {
      s.faults.rules.push({ verb: 'delete', resource: 'pods', namespace: NS, status: 500 });
    });
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome.ok).toBe(true);
    expect(outcome.cleanup).toMatch(
      /could not delete probe pod .*kubectl -n dnsmedic-probes delete pods -l app\.kubernetes\.io\/name=dnsmedic-probe/,
    );
  });

  it('without the probe namespace, the reason says so', async () => {
    const { api, manifest } = await start((s) => {
      s.objects = s.objects.filter((o) => !(o.kind === 'Namespace' && o.metadata.name === NS));
    });
    const outcome = await runProbePod(api, NS, manifest(), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome).toMatchObject({ ok: false });
    if (outcome.ok) return;
    expect(outcome.reason).toMatch(/namespace dnsmedic-probes does not exist/);
  });

  it('a probe that exits with an error: the reason carries its last log line', async () => {
    const { sim, api, manifest } = await start();
    const bad = { ...SPEC, count: 0 };
    const outcome = await runProbePod(api, NS, manifest(bad), { timeoutMs: 5000, pollMs: 10 });
    expect(outcome).toMatchObject({ ok: false });
    if (outcome.ok) return;
    expect(outcome.reason).toMatch(/exited with code 2: .*dnsmedic: probe: spec count/);
    expect(await leftoverProbePods(sim)).toEqual([]);
  });
});
