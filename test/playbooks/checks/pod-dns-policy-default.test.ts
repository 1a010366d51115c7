import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/pod-dns-policy-default.js';
import type { Evidence, ObservedResolvConf } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, OBSERVED_AT, pod } from '../../fixtures/evidence.js';

const NODE_RESOLV: ObservedResolvConf = {
  text: 'nameserver 10.0.0.2\n',
  parsed: { nameservers: ['10.0.0.2'], search: [], options: {}, unknown: [] },
  source: 'probe-pod',
};

function defaultPod(over: Partial<Pod['spec']> = {}): Pod {
  const p = pod('db-0', 'shop', 'node-a', { dnsPolicy: 'Default', ...over });
  p.metadata.ownerReferences = [{ kind: 'StatefulSet', name: 'db', controller: true }];
  return p;
}

function evidence(domain: string | undefined, client = defaultPod(), resolv = NODE_RESOLV): Evidence {
  return {
    ...healthyEvidence(),
    target: { namespace: 'shop', pod: 'db-0', ...(domain ? { domain } : {}) },
    clientPod: seen(client),
    podResolvConf: seen(resolv),
  };
}

describe('pod.dns-policy-default', () => {
  it.each([
    ['a cluster FQDN', 'orders.shop.svc.cluster.local', {}, 'ClusterFirst'],
    ['a namespace-qualified name', 'orders.shop', {}, 'ClusterFirst'],
    ['a hostNetwork pod', 'orders', { hostNetwork: true }, 'ClusterFirstWithHostNet'],
  ])('fires critical for %s', (_case, domain, over, wanted) => {
    const [f, ...rest] = check.run(evidence(domain, defaultPod(over)));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('pod.dns-policy-default');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.title).toBe(`Pod shop/db-0 has dnsPolicy Default and cannot resolve cluster name ${domain}`);
    expect(f?.evidence[0]?.text).toMatch(/^dnsPolicy: Default/);
    expect(f?.evidence).toContainEqual({
      source: 'resolv.conf of shop/db-0 (read by probe-pod)',
      text: 'nameserver 10.0.0.2',
    });
    expect(f?.remedies[0]?.commands).toEqual([
      `kubectl -n shop patch statefulset db --type merge -p '{"spec":{"template":{"spec":{"dnsPolicy":"${wanted}"}}}}'`,
    ]);
  });

  it('uses the gathered askedName when present', () => {
    const e = {
      ...evidence(undefined),
      askedName: seen({ name: 'orders.shop.svc.cluster.local', kind: 'cluster' as const }),
    };
    expect(check.run(e)[0]?.checkId).toBe('pod.dns-policy-default');
  });

  it('gives no finding for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['an external name', 'api.example.com'],
    ['no name given', undefined],
  ])('is not a fault when it only resolves external names (%s)', (_case, domain) => {
    expect(check.run(evidence(domain))).toEqual([]);
  });

  it('is not a fault when dnsConfig adds the cluster DNS and search domains', () => {
    const resolv: ObservedResolvConf = {
      text: 'search shop.svc.cluster.local\nnameserver 10.0.0.2\nnameserver 10.96.0.10\n',
      parsed: {
        nameservers: ['10.0.0.2', '10.96.0.10'],
        search: ['shop.svc.cluster.local'],
        options: {},
        unknown: [],
      },
      source: 'exec',
    };
    expect(check.run(evidence('orders', defaultPod(), resolv))).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    const unseenPod: Evidence = { ...evidence('orders'), clientPod: unseen('forbidden') };
    expect(check.run(unseenPod)).toEqual([]);
    expect(check.run({ target: { domain: 'orders' }, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
