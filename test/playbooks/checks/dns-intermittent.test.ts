import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/dns-intermittent.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, probe, withEvidence } from '../../fixtures/evidence.js';

function withProbes(results: ProbeResult[]): Evidence {
  return withEvidence('clientProbes', seen({ where: 'probe-pod', node: 'node-a', results }));
}

const SERVICE = { hop: 'dns-service' as const, server: '10.96.0.10:53' };

describe('dns.intermittent', () => {
  it.each<[string, ProbeResult, 'critical' | 'warning', string]>([
    [
      '3 of 20 time out',
      probe({ ...SERVICE, answered: 17, timeouts: 3, rcodes: { NOERROR: 17 } }),
      'critical',
      '17/20 answered, 3 timeouts',
    ],
    [
      '1 of 20 times out',
      probe({ ...SERVICE, answered: 19, timeouts: 1, rcodes: { NOERROR: 19 } }),
      'warning',
      '19/20 answered, 1 timeouts',
    ],
    [
      '4 of 40 get SERVFAIL',
      probe({ ...SERVICE, attempts: 40, answered: 40, rcodes: { NOERROR: 36, SERVFAIL: 4 } }),
      'critical',
      'SERVFAIL 4',
    ],
  ])('fires when %s', (_label, result, severity, numbers) => {
    const [f] = check.run(withProbes([result, probe({ hop: 'coredns-pod', server: '10.244.2.3:53' })]));

    expect(f?.checkId).toBe('dns.intermittent');
    expect(f?.severity).toBe(severity);
    expect(f?.weight).toBeLessThanOrEqual(0.5);
    expect(f?.evidence).toHaveLength(1);
    expect(f?.evidence[0]?.source).toBe('probe 10.96.0.10:53 (dns-service, client side)');
    expect(f?.evidence[0]?.text).toContain(numbers);
  });

  it('captures packets on the client node and on each CoreDNS node', () => {
    const [f] = check.run(withProbes([probe({ ...SERVICE, answered: 17, timeouts: 3 })]));

    expect(f?.title).toBe('DNS fails intermittently from node node-a: 3 of 20 identical queries failed');
    expect(f?.remedies[0]?.commands).toEqual([
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- tcpdump -i any port 53 -C 20 -W 200 -w /host/tmp/client_dns.pcap',
      'kubectl debug node/node-b -it --profile=sysadmin --image=nicolaka/netshoot -- tcpdump -i any port 53 -C 20 -W 200 -w /host/tmp/coredns_dns_node-b.pcap',
      'kubectl debug node/node-c -it --profile=sysadmin --image=nicolaka/netshoot -- tcpdump -i any port 53 -C 20 -W 200 -w /host/tmp/coredns_dns_node-c.pcap',
    ]);
  });

  it.each<[string, ProbeResult]>([
    ['fewer than 20 identical queries', probe({ ...SERVICE, attempts: 10, answered: 7, timeouts: 3 })],
    [
      'every query fails (always, not intermittent)',
      probe({ ...SERVICE, answered: 0, timeouts: 20, rcodes: {} }),
    ],
    [
      'a consistent NXDOMAIN',
      probe({ ...SERVICE, name: 'nope.shop.svc.cluster.local', rcodes: { NXDOMAIN: 20 } }),
    ],
    ['truncated answers retried over TCP', probe({ ...SERVICE, truncated: 20, rcodes: { NOERROR: 20 } })],
    [
      'same-socket A/AAAA loss (the glibc race has its own check)',
      probe({ ...SERVICE, mode: 'same-socket', answered: 16, timeouts: 4 }),
    ],
    ['CoreDNS-side loss', probe({ ...SERVICE, side: 'coredns', answered: 16, timeouts: 4 })],
  ])('finds nothing for %s', (_label, result) => {
    expect(check.run(withProbes([result]))).toEqual([]);
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('finds nothing without probes (absent or unseen), and does not throw on bare evidence', () => {
    expect(check.run(withEvidence('clientProbes', undefined))).toEqual([]);
    expect(check.run(withEvidence('clientProbes', unseen('probe pod refused')))).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    expect(check.needs).toEqual(['clientProbes']);
  });
});
