import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceKey } from '../../playbooks/model/evidence.js';
import { type GatherOptions, gatherEvidence, planFor } from '../../workers/gather/index.js';
import { ClusterAccessError, TargetNotFoundError } from '../../workers/k8s/errors.js';
import type { ApiFault, Scenario } from '../sim/scenario/types.js';
import { healthyScenario } from './fixtures.js';
import { type SimCluster, startCluster } from './sim-cluster.js';

let cluster: SimCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const POD = { namespace: 'shop', pod: 'web-0', domain: 'web-0.web.shop.svc.cluster.local' };

async function gather(scenario: Scenario, options: Partial<GatherOptions> = {}) {
  cluster = await startCluster(scenario);
  const started = Date.now();
  const result = await gatherEvidence({
    kubeconfig: cluster.kubeconfig,
    target: POD,
    prometheusUrl: cluster.prometheus.url,
    now: () => new Date(scenario.now),
    ...options,
  });
  return { ...result, ms: Date.now() - started };
}

const keysOf = (target: GatherOptions['target']) => planFor(target).map(([k]) => k);

function unseenKeys(evidence: Record<string, unknown>, keys: EvidenceKey[]): string[] {
  return keys.filter((k) => !(evidence[k] as { ok?: boolean } | undefined)?.ok);
}

describe('gatherEvidence on a healthy simulated cluster', () => {
  it('sees every key of a pod diagnosis, reading each resource once', async () => {
    const { evidence: e, cluster: summary, requests } = await gather(healthyScenario());

    expect(unseenKeys(e as never, keysOf(POD))).toEqual([]);
    expect(Object.keys(e).sort()).toEqual([...keysOf(POD), 'target', 'observedAt'].sort());
    expect(e.observedAt).toBe('2024-08-20T10:00:00.000Z');
    const v = <T>(g: { ok: true; value: T } | { ok: false } | undefined): T => {
      if (!g?.ok) throw new Error('unseen');
      return g.value;
    };
    expect(v(e.clusterDns)).toMatchObject({
      ip: '10.96.0.10',
      clusterDomain: 'cluster.local',
      provider: 'coredns',
    });
    expect(v(e.clusterDns).service.metadata.name).toBe('kube-dns');
    expect(v(e.clientOwner).statefulSet?.metadata.name).toBe('web');
    expect(v(e.clientOwner).governingService?.metadata.name).toBe('web');
    expect(v(e.clientLibc)).toEqual({ libc: 'musl', inferred: true, image: 'nginx:1.27-alpine' });
    expect(v(e.clientEvents).map((x) => x.reason)).toEqual(['Started']);
    expect(v(e.corednsDeployment).metadata.name).toBe('coredns');
    expect(v(e.corednsPods).map((p) => p.metadata.name)).toEqual([
      'coredns-5d78c9869d-abcde',
      'coredns-5d78c9869d-fghij',
    ]);
    expect(v(e.corefile).source).toBe('kube-system/coredns');
    expect(v(e.corednsVersion)).toBe('1.11.1');
    expect(v(e.corednsNodes).map((n) => n.metadata.name)).toEqual(['node-b', 'node-c']);
    // The restarted pod's previous container holds the crash line.
    const loop = v(e.corednsLogs).events.find((x) => x.kind === 'loop');
    expect(loop?.source).toBe('kube-system/coredns-5d78c9869d-fghij (previous)');
    expect(v(e.corednsUsage)).toEqual([
      {
        pod: 'coredns-5d78c9869d-abcde',
        node: 'node-b',
        cpuMillis: 4,
        memoryBytes: 20 * 2 ** 20,
        memoryLimitBytes: 170 * 2 ** 20,
        cpuRequestMillis: 100,
      },
      {
        pod: 'coredns-5d78c9869d-fghij',
        node: 'node-c',
        cpuMillis: 3.05,
        memoryBytes: 19 * 2 ** 20,
        memoryLimitBytes: 170 * 2 ** 20,
        cpuRequestMillis: 100,
      },
    ]);
    expect(v(e.kubeProxy)).toMatchObject({ runsKubeProxy: true, mode: 'iptables' });
    expect(v(e.kubeProxy).podOnNode?.metadata.name).toBe('kube-proxy-ax7k2');
    expect(v(e.nodeLocal)).toMatchObject({ deployed: true, localIp: '169.254.20.10', bindsClusterIp: true });
    expect(v(e.nodeLocal).podOnNode?.metadata.name).toBe('node-local-dns-ax7k2');
    expect(v(e.nodeFacts)).toEqual({
      node: 'node-a',
      source: 'prometheus',
      conntrackEntries: 1200,
      conntrackMax: 131072,
      cpuBusy: 0.2,
      tcpRetransPerSec: 0.5,
      kernelVersion: '6.1.0-23-amd64',
    });
    expect(v(e.askedName)).toMatchObject({ kind: 'cluster', podHostname: 'web-0' });
    expect(v(e.askedName).service?.metadata.name).toBe('web');
    expect(v(e.askedName).statefulSet?.metadata.name).toBe('web');
    expect(summary).toEqual({
      name: 'kubeadm-lab',
      provider: 'coredns',
      corednsVersion: '1.11.1',
      clusterDomain: 'cluster.local',
      dnsServiceIp: '10.96.0.10',
      kubernetesVersion: 'v1.30.4',
    });

    const gets = cluster?.gets() ?? [];
    expect(gets.length).toBe(new Set(gets).size);
    expect(requests).toBe(cluster?.api.requests.length);
  });

  it('reports progress for every step', async () => {
    const events: string[] = [];
    await gather(healthyScenario(), { onStep: (s) => events.push(`${s.step}:${s.status}`) });
    for (const key of keysOf(POD)) {
      expect(events).toContain(`${key}:started`);
      expect(events).toContain(`${key}:done`);
    }
  });
});

describe('gatherEvidence when the cluster refuses or fails', () => {
  it('turns a 403 on pods/log into unseen logs naming the rule, and sees everything else', async () => {
    const fault: ApiFault = { verb: 'get', resource: 'pods/log', namespace: 'kube-system', status: 403 };
    const { evidence: e } = await gather(healthyScenario([fault]));

    expect(e.corednsLogs).toMatchObject({
      ok: false,
      missingRule: { verb: 'get', resource: 'pods/log', apiGroup: '', namespace: 'kube-system' },
    });
    expect(unseenKeys(e as never, keysOf(POD))).toEqual(['corednsLogs']);
  });

  it.each([
    [{ resource: 'endpointslices', namespace: 'kube-system', status: 500 }, 'corednsEndpoints'],
    [{ resource: 'networkpolicies', status: 500 }, 'networkPolicies'],
    [{ resource: 'namespaces', status: 503 }, 'clientNamespace'],
  ] as [ApiFault, EvidenceKey][])('a %o fault leaves only %s unseen', async (fault, key) => {
    const { evidence: e } = await gather(healthyScenario([fault]));
    expect(unseenKeys(e as never, keysOf(POD))).toEqual([key]);
    expect((e[key] as { reason: string }).reason).toMatch(/API server answered 50[03]/);
  });

  it('ends at the deadline with the late source unseen', async () => {
    const slow: ApiFault = {
      resource: 'endpointslices',
      namespace: 'kube-system',
      status: 200,
      delayMs: 10_000,
    };
    const { evidence: e, ms } = await gather(healthyScenario([slow]), {
      deadlineMs: 800,
      requestTimeoutMs: 5000,
    });
    expect(ms).toBeGreaterThanOrEqual(790);
    expect(ms).toBeLessThan(800 + 300);
    expect(e.corednsEndpoints).toEqual({ ok: false, reason: 'deadline of 800 ms reached' });
    expect(unseenKeys(e as never, keysOf(POD))).toEqual(['corednsEndpoints']);
  });

  it('gives up on one slow request after its own timeout', async () => {
    const slow: ApiFault = { resource: 'networkpolicies', status: 200, delayMs: 3000 };
    const { evidence: e } = await gather(healthyScenario([slow]), { requestTimeoutMs: 300 });
    expect(e.networkPolicies).toEqual({
      ok: false,
      reason: 'list networkpolicies.networking.k8s.io in shop: no answer within 300 ms',
    });
  });

  it('says when the cluster has no metrics-server', async () => {
    const scenario = healthyScenario();
    scenario.metrics = { pods: {}, nodes: {} };
    const { evidence: e } = await gather(scenario);
    expect(e.corednsUsage?.ok).toBe(false);
    expect((e.corednsUsage as { reason: string }).reason).toContain('metrics-server not installed');
  });

  it('says when no node-facts source is configured', async () => {
    const { evidence: e } = await gather(healthyScenario(), { prometheusUrl: '' });
    expect(e.nodeFacts).toEqual({
      ok: false,
      reason: 'no node-facts source configured: give --prometheus-url',
    });
  });
});

describe('gatherEvidence targets', () => {
  it('throws a coded not-found error for an unknown pod', async () => {
    const run = gather(healthyScenario(), { target: { namespace: 'shop', pod: 'x' } });
    await expect(run).rejects.toBeInstanceOf(TargetNotFoundError);
    await expect(run).rejects.toThrow('pod shop/x not found');
  });

  it('throws a coded error for an unknown context', async () => {
    const run = gather(healthyScenario(), { context: 'nope' });
    await expect(run).rejects.toMatchObject({ code: 'context-unknown' });
    await expect(run).rejects.toBeInstanceOf(ClusterAccessError);
  });

  it('gathers only the cluster-wide part without a pod', async () => {
    const { evidence: e } = await gather(healthyScenario(), { target: {} });
    expect(unseenKeys(e as never, keysOf({}))).toEqual([]);
    expect(e.clientPod).toBeUndefined();
    expect(e.kubeProxy?.ok && e.kubeProxy.value.podOnNode).toBeUndefined();
    const gets = cluster?.gets() ?? [];
    expect(gets.some((g) => g.includes('/namespaces/shop'))).toBe(false);
  });

  it('gathers the node part for --node', async () => {
    const { evidence: e } = await gather(healthyScenario(), { target: { node: 'node-a' } });
    expect(unseenKeys(e as never, keysOf({ node: 'node-a' }))).toEqual([]);
    expect(e.clientNode?.ok && e.clientNode.value.metadata.name).toBe('node-a');
    expect(e.nodeLocal?.ok && e.nodeLocal.value.podOnNode?.metadata.name).toBe('node-local-dns-ax7k2');
    expect(e.nodeFacts?.ok && e.nodeFacts.value.conntrackEntries).toBe(1200);
  });

  it('throws a coded not-found error for an unknown node', async () => {
    await expect(gather(healthyScenario(), { target: { node: 'node-z' } })).rejects.toThrow(
      'node node-z not found',
    );
  });
});
