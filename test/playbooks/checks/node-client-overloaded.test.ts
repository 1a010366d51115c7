import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/node-client-overloaded.js';
import type { Evidence, NodeFacts, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, probe, withEvidence } from '../../fixtures/evidence.js';

const LOSSY = probe({
  hop: 'dns-service',
  server: '10.96.0.10:53',
  answered: 16,
  timeouts: 4,
  rcodes: { NOERROR: 16 },
});

function overloaded(facts: Partial<NodeFacts>, results: ProbeResult[] = [LOSSY]): Evidence {
  const base = withEvidence('clientProbes', seen({ where: 'probe-pod', node: 'node-a', results }));
  return withEvidence(
    'nodeFacts',
    seen({ node: 'node-a', source: 'prometheus', cpuBusy: 0.22, tcpRetransPerSec: 0.4, ...facts }),
    base,
  );
}

describe('node.client-overloaded', () => {
  it.each<[string, Partial<NodeFacts>, string, number]>([
    ['CPU saturated', { cpuBusy: 0.97 }, 'CPU 97% busy', 0.5],
    ['TCP retransmissions high', { tcpRetransPerSec: 250 }, '250 TCP retransmissions/s', 0.5],
    ['both', { cpuBusy: 0.95, tcpRetransPerSec: 400 }, 'CPU 95% busy, 400 TCP retransmissions/s', 0.6],
  ])('fires when %s during lost queries', (_label, facts, signs, weight) => {
    const [f] = check.run(overloaded(facts));

    expect(f?.checkId).toBe('node.client-overloaded');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(weight);
    expect(f?.title).toBe(`Client's node node-a overloaded (${signs}) while DNS queries time out`);
    expect(f?.evidence[0]).toEqual({ source: 'node facts of node node-a (prometheus)', text: signs });
    expect(f?.evidence[1]?.text).toContain('16/20 answered, 4 timeouts');
    expect(f?.remedies[0]?.commands).toContain('kubectl top node node-a');
    expect(f?.remedies[0]?.summary).toContain('instance i-0aaa1111');
  });

  it.each<[string, Evidence]>([
    [
      'the node is busy but every probe answered',
      overloaded({ cpuBusy: 0.97 }, [probe({ hop: 'dns-service', server: '10.96.0.10:53' })]),
    ],
    ['queries fail but the node is idle', overloaded({ cpuBusy: 0.5, tcpRetransPerSec: 20 })],
    [
      'the facts are about another node',
      withEvidence(
        'nodeFacts',
        seen({ node: 'node-b', source: 'prometheus' as const, cpuBusy: 0.99 }),
        overloaded({}),
      ),
    ],
    ['no CPU or retransmission figures', overloaded({ cpuBusy: undefined, tcpRetransPerSec: undefined })],
  ])('finds nothing when %s', (_label, e) => {
    expect(check.run(e)).toEqual([]);
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each(['nodeFacts', 'clientProbes'] as const)('finds nothing without %s (absent or unseen)', (key) => {
    expect(check.run({ ...overloaded({ cpuBusy: 0.97 }), [key]: undefined })).toEqual([]);
    expect(check.run({ ...overloaded({ cpuBusy: 0.97 }), [key]: unseen('forbidden') })).toEqual([]);
  });

  it('does not throw on bare evidence', () => {
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    expect(check.needs).toEqual(['nodeFacts', 'clientProbes']);
  });
});
