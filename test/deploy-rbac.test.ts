/**
 * deploy/rbac.yaml's RBAC is all the worker needs: diagnoses of clusters of every style, with
 * probe pods and the node probe, against a simulator that refuses whatever those permissions do
 * not allow. Not one request is refused, and the verdicts are those of the unrestricted runs.
 * (The simulator does not model Pod Security: the node probe also needs the probe namespace's
 * `privileged` level, as rbac.yaml says.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diagnoseCluster } from '../workers/diagnose.js';
import { TEST_PROBE_PODS } from './fixtures/probe-pods.js';
import { RbacPolicy } from './sim/apiserver/rbac.js';
import { loadScenario, SCENARIOS_DIR } from './sim/scenario/load.js';
import { type Simulation, startSimulation } from './sim/simulate.js';

const manifests = readFileSync(new URL('../deploy/rbac.yaml', import.meta.url), 'utf8');
const policy = RbacPolicy.forServiceAccount(manifests, 'dnsmedic', 'dnsmedic');
const PODS = { ...TEST_PROBE_PODS, nodeProbe: true };

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('deploy/rbac.yaml', () => {
  it.each([
    'healthy-kubeadm',
    'healthy-eks',
    'healthy-aks',
    'healthy-ack',
    'healthy-k3s',
    'healthy-gke-kube-dns',
    'coredns-loop-detected',
    'nodelocal-not-running',
  ])('is enough to diagnose %s with probe pods and the node probe', async (name) => {
    const scenario = loadScenario(join(SCENARIOS_DIR, `${name}.yaml`));
    sim = await startSimulation(scenario, undefined, { rbac: policy });
    const t = scenario.target;
    const { report } = await diagnoseCluster({
      target: { namespace: t.namespace, pod: t.pod, ...(t.domain ? { domain: t.domain } : {}) },
      kubeconfig: sim.kubeconfigPath,
      prometheusUrl: sim.prometheus.url,
      now: () => new Date(scenario.now),
      probePods: PODS,
    });
    const refused = sim.api.requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`);
    expect(refused).toEqual([]);
    expect(report.verdict.checkId).toBe(scenario.expect.verdict);
  });

  it('is enforced: without the probe Role, creating a probe pod is refused and the report names the rule', async () => {
    const withoutProber = manifests
      .split(/^---$/m)
      .filter((doc) => !/name: dnsmedic-prober/.test(doc))
      .join('---');
    const scenario = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
    sim = await startSimulation(scenario, undefined, {
      rbac: RbacPolicy.forServiceAccount(withoutProber, 'dnsmedic', 'dnsmedic'),
    });
    const t = scenario.target;
    const { report } = await diagnoseCluster({
      target: { namespace: t.namespace, pod: t.pod },
      kubeconfig: sim.kubeconfigPath,
      prometheusUrl: sim.prometheus.url,
      now: () => new Date(scenario.now),
      probePods: PODS,
    });
    expect(sim.api.requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/namespaces/dnsmedic-probes/pods',
      'POST /api/v1/namespaces/dnsmedic-probes/pods',
      'POST /api/v1/namespaces/dnsmedic-probes/pods',
    ]);
    expect(report.verdict.checkId).toBe('check.inconclusive');
    expect(report.verdict.why).toContain('create pods (API group core) in namespace dnsmedic-probes');
  });

  const attributes = (verb: string, plural: string, namespace: string, group = '', subresource = '') => ({
    verb,
    group,
    plural,
    subresource,
    namespace,
    name: '',
    clusterWide: namespace === '',
  });

  it.each([
    ['list secrets anywhere', attributes('list', 'secrets', '')],
    ['get secrets in kube-system', attributes('get', 'secrets', 'kube-system')],
    ['create pods outside the probe namespace', attributes('create', 'pods', 'default')],
    ['delete pods in kube-system', attributes('delete', 'pods', 'kube-system')],
    ['read logs outside kube-system and the probe namespace', attributes('get', 'pods', 'shop', '', 'log')],
    ['patch a ConfigMap', attributes('patch', 'configmaps', 'kube-system')],
    ['delete pods across namespaces (the probe Role is for one namespace)', attributes('delete', 'pods', '')],
  ])('does not allow: %s', (_label, request) => {
    expect(policy.allows(request)).toBe(false);
  });

  it.each([
    ['create pods in dnsmedic-probes', attributes('create', 'pods', 'dnsmedic-probes')],
    ['read probe pod logs', attributes('get', 'pods', 'dnsmedic-probes', '', 'log')],
    ['read CoreDNS logs', attributes('get', 'pods', 'kube-system', '', 'log')],
    ['list pods anywhere', attributes('list', 'pods', '')],
  ])('allows: %s', (_label, request) => {
    expect(policy.allows(request)).toBe(true);
  });
});
