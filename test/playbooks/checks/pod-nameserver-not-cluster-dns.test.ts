import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/pod-nameserver-not-cluster-dns.js';
import type { Evidence, ObservedResolvConf } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, OBSERVED_AT, pod } from '../../fixtures/evidence.js';

function resolvWith(...nameservers: string[]): ObservedResolvConf {
  return {
    text: `search shop.svc.cluster.local svc.cluster.local cluster.local\n${nameservers.map((n) => `nameserver ${n}`).join('\n')}\noptions ndots:5\n`,
    parsed: {
      nameservers,
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: { ndots: 5 },
      unknown: [],
    },
    source: 'probe-pod',
  };
}

function evidence(resolv: ObservedResolvConf, client?: Pod, domain?: string): Evidence {
  const base = healthyEvidence();
  return {
    ...base,
    target: { namespace: 'shop', pod: 'web-7d9f', ...(domain ? { domain } : {}) },
    podResolvConf: seen(resolv),
    ...(client ? { clientPod: seen(client) } : {}),
  };
}

describe('pod.nameserver-not-cluster-dns', () => {
  it('fires critical when the kubelet wrote a stale nameserver for a ClusterFirst pod', () => {
    const [f, ...rest] = check.run(evidence(resolvWith('10.96.0.11')));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('pod.nameserver-not-cluster-dns');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toBe('Pod shop/web-7d9f uses nameserver 10.96.0.11, not the cluster DNS 10.96.0.10');
    expect(f?.evidence[0]).toEqual({
      source: 'resolv.conf of shop/web-7d9f (read by probe-pod)',
      text: 'nameserver 10.96.0.11',
    });
    expect(f?.evidence).toContainEqual({
      source: 'Service kube-system/kube-dns',
      text: 'clusterIP 10.96.0.10',
    });
    const commands = f?.remedies.flatMap((r) => r.commands) ?? [];
    expect(commands).toContain(
      `kubectl get --raw /api/v1/nodes/node-a/proxy/configz | grep -o '"clusterDNS":[^]]*]'`,
    );
    expect(commands.some((c) => c.startsWith('kubectl debug node/node-a'))).toBe(true);
  });

  it('is a warning when the asked name is external (it may still resolve)', () => {
    const [f] = check.run(evidence(resolvWith('10.0.0.2'), undefined, 'api.example.com'));
    expect(f?.severity).toBe('warning');
  });

  it('fires for dnsPolicy None pointing elsewhere when a cluster name is asked, with a dnsConfig patch', () => {
    const client = pod('web-7d9f', 'shop', 'node-a', {
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['8.8.8.8'] },
    });
    client.metadata.ownerReferences = [{ kind: 'DaemonSet', name: 'web', controller: true }];
    const [f] = check.run(evidence(resolvWith('8.8.8.8'), client, 'orders.shop.svc.cluster.local'));

    expect(f?.severity).toBe('critical');
    expect(f?.remedies[0]?.commands[0]).toBe(
      `kubectl -n shop patch daemonset web --type merge -p '{"spec":{"template":{"spec":{"dnsConfig":{"nameservers":["10.96.0.10"]}}}}}'`,
    );
  });

  it('weighs a computed resolv.conf less than one read in the pod', () => {
    const computed = { ...resolvWith('10.96.0.11'), source: 'computed' as const };
    expect(check.run(evidence(computed))[0]?.weight).toBe(0.5);
  });

  it.each([
    ['the cluster DNS IP', resolvWith('10.96.0.10')],
    ['NodeLocal DNSCache', resolvWith('169.254.20.10', '10.96.0.10')],
    ['NodeLocal alone', resolvWith('169.254.20.10')],
  ])('gives no finding when the pod uses %s', (_case, resolv) => {
    expect(check.run(evidence(resolv))).toEqual([]);
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'None with an external name',
      pod('web-7d9f', 'shop', 'node-a', { dnsPolicy: 'None' }),
      'api.example.com',
    ],
    ['None with no name given', pod('web-7d9f', 'shop', 'node-a', { dnsPolicy: 'None' }), undefined],
    ['Default (its own row)', pod('web-7d9f', 'shop', 'node-a', { dnsPolicy: 'Default' }), 'orders'],
    [
      'hostNetwork ClusterFirst (its own row)',
      pod('web-7d9f', 'shop', 'node-a', { hostNetwork: true }),
      'orders',
    ],
  ])('is not a fault here: %s', (_case, client, domain) => {
    expect(check.run(evidence(resolvWith('10.0.0.2'), client, domain))).toEqual([]);
  });

  it.each([
    ['podResolvConf unseen', { podResolvConf: unseen<ObservedResolvConf>('probe refused') }],
    ['clusterDns unseen', { clusterDns: unseen<never>('forbidden') }],
    ['podResolvConf absent', { podResolvConf: undefined }],
  ])('does not throw or fire with %s', (_case, over) => {
    const e = { ...evidence(resolvWith('10.96.0.11')), ...over } as Evidence;
    expect(check.run(e)).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
