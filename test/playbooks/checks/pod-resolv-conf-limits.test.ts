import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/pod-resolv-conf-limits.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { KubeEvent, Pod, PodDnsConfig } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, node, OBSERVED_AT, pod } from '../../fixtures/evidence.js';

const SEARCH_EVENT: KubeEvent = {
  type: 'Warning',
  reason: 'DNSConfigForming',
  message:
    'Search Line limits were exceeded, some search paths have been omitted, the applied search line is: shop.svc.cluster.local svc.cluster.local cluster.local a.example b.example c.example',
  involvedObject: { kind: 'Pod', name: 'web-7d9f', namespace: 'shop' },
  count: 12,
};

function client(dnsConfig?: PodDnsConfig, over: Partial<Pod['spec']> = {}): Pod {
  const p = pod('web-7d9f', 'shop', 'node-a', { ...(dnsConfig ? { dnsConfig } : {}), ...over });
  p.metadata.labels = { app: 'web', 'pod-template-hash': '6b8c9d' };
  p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-6b8c9d', controller: true }];
  return p;
}

function evidence(p: Pod, kubelet = 'v1.30.4', over: Partial<Evidence> = {}): Evidence {
  const n = node('node-a', 'i-0aaa1111');
  if (n.status?.nodeInfo) n.status.nodeInfo.kubeletVersion = kubelet;
  return { ...healthyEvidence(), clientPod: seen(p), clientNode: seen(n), ...over };
}

const FOUR_SEARCHES = ['a.example', 'b.example', 'c.example', 'd.example'];

describe('pod.resolv-conf-limits', () => {
  it('fires on the kubelet DNSConfigForming event and quotes it', () => {
    const [f, ...rest] = check.run(evidence(client(), 'v1.30.4', { clientEvents: seen([SEARCH_EVENT]) }));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('pod.resolv-conf-limits');
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.7);
    expect(f?.evidence[0]?.source).toBe('event on pod shop/web-7d9f');
    expect(f?.evidence[0]?.text).toContain('Search Line limits were exceeded');
    expect(f?.remedies.at(-1)?.commands).toEqual([
      'kubectl -n shop get events --field-selector involvedObject.name=web-7d9f,reason=DNSConfigForming',
    ]);
  });

  it.each([
    ['kubelet 1.25 (6 domains)', 'v1.25.9', true],
    ['kubelet 1.27 (32 domains: ExpandedDNSConfig on by default from 1.26)', 'v1.27.9', false],
    ['kubelet 1.28 (32 domains)', 'v1.28.2', false],
    ['kubelet version unseen (newer limits assumed)', '', false],
  ])('judges 3 cluster + 4 dnsConfig search domains by the era: %s', (_case, kubelet, fires) => {
    const findings = check.run(evidence(client({ searches: FOUR_SEARCHES }), kubelet));

    expect(findings.length).toBe(fires ? 1 : 0);
    if (fires) {
      const [f] = findings;
      expect(f?.severity).toBe('warning');
      expect(f?.weight).toBe(0.5);
      expect(f?.evidence.map((x) => x.text).join('\n')).toContain('search domains [d.example]');
      expect(f?.remedies[0]?.commands[0]).toBe(
        `kubectl -n shop patch deployment web --type merge -p '{"spec":{"template":{"spec":{"dnsConfig":{"searches":["a.example","b.example","c.example"]}}}}}'`,
      );
    }
  });

  it('fires on the 256-character search line before Kubernetes 1.26', () => {
    const long = ['x'.repeat(60), 'y'.repeat(60), 'z'.repeat(60)].map((l) => `${l}.example`);
    const [f] = check.run(evidence(client({ searches: long }), 'v1.25.4'));

    expect(f?.checkId).toBe('pod.resolv-conf-limits');
    expect(f?.detail).toContain('256 characters');
  });

  it('is critical when the cluster DNS listed in dnsConfig is dropped behind three node resolvers', () => {
    const e = evidence(client({ nameservers: ['10.96.0.10'] }, { dnsPolicy: 'Default' }), 'v1.30.4', {
      nodeResolvConf: seen({
        nameservers: ['10.0.0.2', '10.0.0.3', '10.0.0.4'],
        search: [],
        options: {},
        unknown: [],
      }),
    });
    const [f] = check.run(e);

    expect(f?.severity).toBe('critical');
    expect(f?.evidence.map((x) => x.text).join('\n')).toContain('omits nameservers [10.96.0.10]');
    expect(f?.remedies[0]?.commands[0]).toBe(
      `kubectl -n shop patch deployment web --type merge -p '{"spec":{"template":{"spec":{"dnsPolicy":"ClusterFirst"}}}}'`,
    );
  });

  it('fires on a resolv.conf read in the pod with more than 3 nameservers', () => {
    const observed = {
      text: 'nameserver 10.96.0.10\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n',
      parsed: {
        nameservers: ['10.96.0.10', '10.0.0.2', '10.0.0.3', '10.0.0.4'],
        search: [],
        options: {},
        unknown: [],
      },
      source: 'exec' as const,
    };
    const [f] = check.run(evidence(client(), 'v1.30.4', { podResolvConf: seen(observed) }));

    expect(f?.weight).toBe(0.7);
    expect(f?.evidence.at(-1)?.text).toContain('nameserver 10.0.0.4');
  });

  it('gives no finding for the healthy cluster, nor for an event about another pod', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
    const other = { ...SEARCH_EVENT, involvedObject: { kind: 'Pod', name: 'api-1234', namespace: 'shop' } };
    expect(check.run(evidence(client(), 'v1.30.4', { clientEvents: seen([other]) }))).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    const e = {
      ...evidence(client({ searches: FOUR_SEARCHES }), 'v1.27.9'),
      clusterDns: unseen<never>('forbidden'),
      clientEvents: unseen<KubeEvent[]>('forbidden'),
    };
    expect(check.run(e)).toEqual([]);
    expect(check.run({ ...healthyEvidence(), clientPod: unseen('forbidden') })).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
