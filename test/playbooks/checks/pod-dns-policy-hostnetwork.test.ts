import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/pod-dns-policy-hostnetwork.js';
import type { Evidence, ObservedResolvConf } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, OBSERVED_AT, pod } from '../../fixtures/evidence.js';

const NODE_RESOLV: ObservedResolvConf = {
  text: 'search eu-west-1.compute.internal\nnameserver 10.0.0.2\n',
  parsed: { nameservers: ['10.0.0.2'], search: ['eu-west-1.compute.internal'], options: {}, unknown: [] },
  source: 'probe-pod',
};

function hostNetPod(over: Partial<Pod['spec']> = {}, owned = true): Pod {
  const p = pod('web-7d9f', 'shop', 'node-a', { hostNetwork: true, ...over });
  if (owned) {
    p.metadata.labels = { app: 'web', 'pod-template-hash': '6b8c9d' };
    p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-6b8c9d', controller: true }];
  }
  return p;
}

function evidence(domain: string | undefined, client = hostNetPod(), resolv = NODE_RESOLV): Evidence {
  return {
    ...healthyEvidence(),
    target: { namespace: 'shop', pod: 'web-7d9f', ...(domain ? { domain } : {}) },
    clientPod: seen(client),
    podResolvConf: seen(resolv),
  };
}

describe('pod.dns-policy-hostnetwork', () => {
  it.each([
    ['ClusterFirst set', hostNetPod({ dnsPolicy: 'ClusterFirst' }), 'dnsPolicy: ClusterFirst'],
    ['dnsPolicy unset', hostNetPod({ dnsPolicy: undefined }), 'dnsPolicy: ClusterFirst (default, unset)'],
  ])('fires critical for a cluster name on a hostNetwork pod (%s)', (_case, client, specText) => {
    const [f, ...rest] = check.run(evidence('orders.shop.svc.cluster.local', client));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('pod.dns-policy-hostnetwork');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.title).toContain('shop/web-7d9f');
    expect(f?.evidence).toContainEqual({
      source: 'pod shop/web-7d9f spec',
      text: `hostNetwork: true, ${specText}`,
    });
    expect(f?.evidence.map((x) => x.text)).toContain('nameserver 10.0.0.2');
    expect(f?.remedies[0]?.commands[0]).toBe(
      `kubectl -n shop patch deployment web --type merge -p '{"spec":{"template":{"spec":{"dnsPolicy":"ClusterFirstWithHostNet"}}}}'`,
    );
  });

  it('treats a short Service name as a cluster name', () => {
    expect(check.run(evidence('orders'))[0]?.checkId).toBe('pod.dns-policy-hostnetwork');
  });

  it('replaces a bare pod, whose dnsPolicy cannot be patched in place', () => {
    const [f] = check.run(evidence('orders.shop.svc.cluster.local', hostNetPod({}, false)));

    expect(f?.remedies[0]?.commands[0]).toContain(
      'kubectl -n shop get pod web-7d9f -o yaml | kubectl patch --local',
    );
    expect(f?.remedies[0]?.commands[0]).toContain('kubectl replace --force -f -');
  });

  it('still fires from the spec alone when the resolv.conf was not read, with less weight', () => {
    const e = { ...evidence('orders.shop.svc.cluster.local'), podResolvConf: unseen('probe pod refused') };

    expect(check.run(e)[0]?.weight).toBe(0.7);
  });

  it('gives no finding for the healthy cluster, even asked for a cluster name', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
    expect(
      check.run({ ...healthyEvidence(), target: { namespace: 'shop', pod: 'web-7d9f', domain: 'orders' } }),
    ).toEqual([]);
  });

  it.each([
    ['an external name', 'api.example.com'],
    ['an absolute external name', 'api.example.com.'],
    ['no name at all', undefined],
  ])('is not a fault when the pod only resolves external names (%s)', (_case, domain) => {
    expect(check.run(evidence(domain))).toEqual([]);
  });

  it('is not a fault with ClusterFirstWithHostNet', () => {
    expect(check.run(evidence('orders', hostNetPod({ dnsPolicy: 'ClusterFirstWithHostNet' })))).toEqual([]);
  });

  it('is not a fault when the node resolv.conf already points at the cluster DNS with cluster search domains', () => {
    const resolv: ObservedResolvConf = {
      text: 'search svc.cluster.local cluster.local\nnameserver 10.96.0.10\n',
      parsed: {
        nameservers: ['10.96.0.10'],
        search: ['svc.cluster.local', 'cluster.local'],
        options: {},
        unknown: [],
      },
      source: 'probe-pod',
    };
    expect(check.run(evidence('orders.shop', hostNetPod(), resolv))).toEqual([]);
  });

  it.each([
    ['clientPod unseen', { clientPod: unseen<Pod>('forbidden') }],
    ['clientPod absent', { clientPod: undefined }],
  ])('does not throw or fire when evidence is missing (%s)', (_case, over) => {
    const e: Evidence = { ...evidence('orders'), ...over };
    expect(() => check.run(e)).not.toThrow();
    expect(check.run(e)).toEqual([]);
    expect(check.run({ target: { domain: 'orders' }, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
