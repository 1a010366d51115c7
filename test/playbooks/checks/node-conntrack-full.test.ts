import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/node-conntrack-full.js';
import type { Evidence, NodeFacts } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, probe, withEvidence } from '../../fixtures/evidence.js';

function withFacts(over: Partial<NodeFacts>, base?: Evidence): Evidence {
  return withEvidence(
    'nodeFacts',
    seen({ node: 'node-a', source: 'node-probe', conntrackEntries: 2100, conntrackMax: 131072, ...over }),
    base,
  );
}

const LOSING = withEvidence(
  'clientProbes',
  seen({
    where: 'probe-pod',
    node: 'node-a',
    results: [probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 12, timeouts: 8 })],
  }),
);

describe('node.conntrack-full', () => {
  it.each([
    ['[1811.202] nf_conntrack: table full, dropping packet'],
    ['[Wed Nov 26 09:58:01 2026] nf_conntrack: nf_conntrack: table full, dropping packet'],
  ])('fires critical on the kernel log line %s', (line) => {
    const [f] = check.run(withFacts({ kernelLog: ['eth0: link up', line] }));

    expect(f?.checkId).toBe('node.conntrack-full');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.title).toBe('Conntrack table full on node node-a: packets dropped');
    expect(f?.evidence[0]).toEqual({ source: 'kernel log of node node-a (node-probe)', text: line });
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- sysctl -w net.netfilter.nf_conntrack_max=262144',
    );
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit configmap kube-proxy');
  });

  it.each<[string, Partial<NodeFacts>, Evidence | undefined, 'critical' | 'warning', string]>([
    [
      'entries at the limit',
      { conntrackEntries: 262144, conntrackMax: 262144 },
      undefined,
      'critical',
      '262144 of nf_conntrack_max 262144 (100%)',
    ],
    [
      'entries at 95%, probes clean',
      { conntrackEntries: 124500, conntrackMax: 131072 },
      undefined,
      'warning',
      '124500 of nf_conntrack_max 131072 (95%)',
    ],
    [
      'entries at 95% while probes lose queries',
      { conntrackEntries: 124500, conntrackMax: 131072 },
      LOSING,
      'critical',
      '(95%)',
    ],
  ])('fires on %s', (_label, over, base, severity, text) => {
    const [f] = check.run(withFacts(over, base));

    expect(f?.severity).toBe(severity);
    expect(f?.evidence.at(-1)?.source).toBe('conntrack on node node-a (node-probe)');
    expect(f?.evidence.at(-1)?.text).toContain(text);
  });

  it('doubles a large limit rather than lowering it', () => {
    const [f] = check.run(withFacts({ conntrackEntries: 524288, conntrackMax: 524288 }));

    expect(f?.remedies[0]?.commands.join('\n')).toContain('nf_conntrack_max=1048576');
  });

  it.each<[string, Partial<NodeFacts>]>([
    ['entries at 89%', { conntrackEntries: 116654, conntrackMax: 131072 }],
    [
      'kernel log without the line',
      { kernelLog: ['nf_conntrack: default automatic helper assignment has been turned off'] },
    ],
    ['no count or limit', { conntrackEntries: undefined, conntrackMax: undefined }],
    ['a zero limit', { conntrackEntries: 10, conntrackMax: 0 }],
  ])('finds nothing for %s', (_label, over) => {
    expect(check.run(withFacts(over))).toEqual([]);
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('finds nothing without node facts (absent or unseen), and does not throw on bare evidence', () => {
    expect(check.run(withEvidence('nodeFacts', undefined))).toEqual([]);
    expect(check.run(withEvidence('nodeFacts', unseen('no Prometheus URL configured')))).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    expect(check.needs).toEqual(['nodeFacts']);
  });

  it('keeps an overlong kernel line short', () => {
    const line = `nf_conntrack: table full, dropping packet ${'x'.repeat(1000)}`;
    const [f] = check.run(withFacts({ kernelLog: [line] }));

    expect(f?.evidence[0]?.text.length).toBeLessThanOrEqual(300);
  });
});
