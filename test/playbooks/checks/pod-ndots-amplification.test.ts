import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/pod-ndots-amplification.js';
import type { Evidence, ObservedResolvConf } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence, OBSERVED_AT } from '../../fixtures/evidence.js';

function asking(domain: string | undefined, base = healthyEvidence()): Evidence {
  return { ...base, target: { namespace: 'shop', pod: 'web-7d9f', ...(domain ? { domain } : {}) } };
}

describe('pod.ndots-amplification', () => {
  it('notes (info only) that an external name with few dots walks the search list', () => {
    const [f, ...rest] = check.run(asking('api.example.net'));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('pod.ndots-amplification');
    expect(f?.severity).toBe('info');
    expect(f?.weight).toBe(0.3);
    expect(f?.title).toBe('ndots:5 in shop/web-7d9f turns each external lookup into up to 8 queries');
    expect(f?.evidence[0]?.text).toBe(
      'search shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5',
    );
    expect(f?.evidence).toContainEqual({
      source: 'asked name',
      text: 'api.example.net has 2 dots < ndots:5',
    });
    expect(f?.remedies[0]?.commands).toEqual([
      'kubectl -n shop exec web-7d9f -- getent hosts api.example.net.',
    ]);
    expect(f?.remedies[1]?.commands[0]).toContain('"options":[{"name":"ndots","value":"2"}]');
  });

  it('notes it from search-suffixed NXDOMAINs in the CoreDNS logs, without a name', () => {
    const logs = emptyLogSummary({
      queries: 120,
      queryLogSeen: true,
      byRcode: { NXDOMAIN: { cluster: 0, 'search-expansion': 96, external: 0 } },
    });
    const [f] = check.run({ ...healthyEvidence(), corednsLogs: seen(logs) });

    expect(f?.severity).toBe('info');
    expect(f?.evidence).toContainEqual({
      source: 'CoreDNS logs',
      text: '96 NXDOMAIN answers for search-suffixed names',
    });
  });

  it('gives no finding for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['a fully qualified name', 'api.example.net.'],
    ['a cluster name', 'orders.shop.svc.cluster.local'],
    ['a name with ndots dots', 'a.b.c.d.example.net'],
  ])('stays quiet for %s', (_case, domain) => {
    expect(check.run(asking(domain))).toEqual([]);
  });

  it('stays quiet with ndots:1', () => {
    const resolv: ObservedResolvConf = {
      text: 'search shop.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:1\n',
      parsed: {
        nameservers: ['10.96.0.10'],
        search: ['shop.svc.cluster.local'],
        options: { ndots: 1 },
        unknown: [],
      },
      source: 'probe-pod',
    };
    expect(check.run({ ...asking('api.example.net'), podResolvConf: seen(resolv) })).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    expect(check.run({ ...asking('api.example.net'), podResolvConf: unseen('probe refused') })).toEqual([]);
    expect(check.run({ target: { domain: 'api.example.net' }, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
