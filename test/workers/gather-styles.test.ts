import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatherOptions, gatherEvidence, planFor } from '../../workers/gather/index.js';
import type { K8sObject, Scenario } from '../sim/scenario/types.js';
import { COREFILE, healthyScenario } from './fixtures.js';
import { type SimCluster, startCluster } from './sim-cluster.js';

let cluster: SimCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function gather(scenario: Scenario, options: Partial<GatherOptions> = {}) {
  cluster = await startCluster(scenario);
  return gatherEvidence({
    kubeconfig: cluster.kubeconfig,
    target: { namespace: 'shop', pod: 'web-0' },
    now: () => new Date(scenario.now),
    ...options,
  });
}

const named = (prefix: string) => (o: K8sObject) => o.metadata.name.startsWith(prefix);

function without(scenario: Scenario, kind: string, prefix: string): void {
  scenario.objects = scenario.objects.filter((o) => !(o.kind === kind && named(prefix)(o)));
}

describe('distribution styles', () => {
  it('k3s: no kube-proxy DaemonSet, embedded in the k3s binary', async () => {
    const s = healthyScenario();
    without(s, 'DaemonSet', 'kube-proxy');
    without(s, 'Pod', 'kube-proxy');
    for (const n of s.objects.filter((o) => o.kind === 'Node')) {
      (n.status as { nodeInfo: { kubeletVersion: string } }).nodeInfo.kubeletVersion = 'v1.30.4+k3s1';
    }
    const { evidence: e } = await gather(s);
    expect(e.kubeProxy).toEqual({ ok: true, value: { runsKubeProxy: false, replacedBy: 'k3s' } });
  });

  it('Cilium: kube-proxy replaced', async () => {
    const s = healthyScenario();
    without(s, 'DaemonSet', 'kube-proxy');
    without(s, 'Pod', 'kube-proxy');
    s.objects.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'cilium', namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } },
      spec: { selector: { matchLabels: { 'k8s-app': 'cilium' } }, template: { spec: { containers: [] } } },
    });
    const { evidence: e } = await gather(s);
    expect(e.kubeProxy).toEqual({ ok: true, value: { runsKubeProxy: false, replacedBy: 'cilium' } });
  });

  it('GKE: kube-proxy as static pods, seen cluster-wide without a DaemonSet', async () => {
    const s = healthyScenario();
    without(s, 'DaemonSet', 'kube-proxy');
    for (const p of s.objects.filter((o) => o.kind === 'Pod' && named('kube-proxy')(o))) {
      p.metadata.labels = { component: 'kube-proxy', tier: 'node' };
    }
    const { evidence: e } = await gather(s, { target: {} });
    expect(e.kubeProxy).toEqual({ ok: true, value: { runsKubeProxy: true, mode: 'iptables' } });
  });

  it('GKE: kube-dns instead of CoreDNS, its domain from --domain', async () => {
    const s = healthyScenario();
    without(s, 'ConfigMap', 'coredns');
    for (const pod of s.objects.filter((o) => o.kind === 'Pod' && named('coredns')(o))) {
      (pod.spec as { containers: unknown[] }).containers = [
        {
          name: 'kubedns',
          image: 'gke.gcr.io/k8s-dns-kube-dns:1.23.0-gke.9',
          args: ['--domain=cluster.local.'],
        },
        { name: 'dnsmasq', image: 'gke.gcr.io/k8s-dns-dnsmasq-nanny:1.23.0-gke.9' },
      ];
      (pod.status as Record<string, unknown>).containerStatuses = [];
    }
    const { evidence: e, cluster: summary } = await gather(s);
    expect(e.clusterDns?.ok && e.clusterDns.value).toMatchObject({
      provider: 'kube-dns',
      clusterDomain: 'cluster.local',
    });
    // Not applicable on kube-dns: absent (its checks are skipped), not unseen (inconclusive).
    expect(e.corefile).toBeUndefined();
    expect(e.corednsVersion).toBeUndefined();
    expect(summary.provider).toBe('kube-dns');
  });

  it('a custom cluster domain, read from the Corefile', async () => {
    const s = healthyScenario();
    const cm = s.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'coredns');
    (cm as unknown as { data: { Corefile: string } }).data.Corefile = COREFILE.replace(
      'cluster.local',
      'corp.example',
    );
    const { evidence: e, cluster: summary } = await gather(s, {
      target: { namespace: 'shop', pod: 'web-0', domain: 'web.shop.svc.corp.example' },
    });
    expect(summary.clusterDomain).toBe('corp.example');
    expect(e.corednsLogs?.ok && e.corednsLogs.value.clusterDomain).toBe('corp.example');
    expect(e.askedName?.ok && e.askedName.value.service?.metadata.name).toBe('web');
  });

  it('finds the DNS Service by the nameserver IP when one is known', async () => {
    const s = healthyScenario();
    s.objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dns-alt', namespace: 'kube-system' },
      spec: { clusterIP: '10.96.0.53', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53 }] },
    });
    const { evidence: e } = await gather(s, { nameserverIp: '10.96.0.53' });
    expect(e.clusterDns?.ok && e.clusterDns.value.service.metadata.name).toBe('dns-alt');
    expect(e.clusterDns?.ok && e.clusterDns.value.ip).toBe('10.96.0.53');
  });

  it('CoreDNS scaled to zero: no pods, the Deployment still found, logs unseen', async () => {
    const s = healthyScenario();
    without(s, 'Pod', 'coredns');
    const { evidence: e } = await gather(s);
    expect(e.corednsPods).toEqual({ ok: true, value: [] });
    expect(e.corednsDeployment?.ok && e.corednsDeployment.value.metadata.name).toBe('coredns');
    expect(e.corednsLogs).toEqual({
      ok: false,
      reason: 'no cluster DNS pods to read logs from',
    });
    expect(e.corefile?.ok).toBe(true);
  });

  it('a missing governing Service is evidence, not a failure', async () => {
    const s = healthyScenario();
    s.objects = s.objects.filter((o) => !(o.kind === 'Service' && o.metadata.namespace === 'shop'));
    const { evidence: e } = await gather(s);
    expect(e.clientOwner?.ok && e.clientOwner.value.statefulSet?.metadata.name).toBe('web');
    expect(e.clientOwner?.ok && e.clientOwner.value.governingService).toBeUndefined();
  });
});

describe('an API server that cannot be reached', () => {
  it('makes every source unseen instead of throwing', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const dir = await mkdtemp(join(tmpdir(), 'dnsmedic-unreachable-'));
    const kubeconfig = join(dir, 'config');
    const s = healthyScenario();
    const { startApiServer } = await import('../sim/apiserver/index.js');
    const api = await startApiServer(s);
    await writeFile(kubeconfig, api.kubeconfig.replace(new URL(api.url).port, String(port)));
    await api.close();
    try {
      const target = { namespace: 'shop', pod: 'web-0' };
      const { evidence: e, requests } = await gatherEvidence({ kubeconfig, target, requestTimeoutMs: 2000 });
      for (const [key] of planFor(target)) {
        expect((e[key] as { ok: boolean }).ok, key).toBe(false);
      }
      expect(e.clientPod).toMatchObject({
        ok: false,
        reason: expect.stringContaining('cannot reach the API server'),
      });
      expect(requests).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
