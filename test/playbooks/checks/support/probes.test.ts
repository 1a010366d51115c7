import { describe, expect, it } from 'vitest';
import {
  allProbes,
  CLUSTER_DNS_HOPS,
  clientResults,
  failures,
  isDead,
  probeClean,
  probeFailed,
  unanswered,
} from '../../../../playbooks/checks/support/probes.js';
import { seen } from '../../../../playbooks/model/gathered.js';
import { healthyEvidence, probe } from '../../../fixtures/evidence.js';

const SERVER = '10.96.0.10:53';

describe('support/probes', () => {
  it('counts no answer, SERVFAIL and REFUSED as failures, not NXDOMAIN', () => {
    const p = probe({
      hop: 'dns-service',
      server: SERVER,
      answered: 18,
      rcodes: { NXDOMAIN: 10, SERVFAIL: 5, REFUSED: 3 },
    });

    expect(unanswered(p)).toBe(2);
    expect(failures(p)).toBe(10);
    expect(probeFailed(p)).toBe(true);
    expect(probeClean(p)).toBe(false);
  });

  it.each([
    ['all answered NOERROR', {}, { failed: false, clean: true, dead: false }],
    ['NXDOMAIN answers', { rcodes: { NXDOMAIN: 20 } }, { failed: false, clean: false, dead: false }],
    [
      'some timeouts',
      { answered: 17, timeouts: 3, rcodes: { NOERROR: 17 } },
      { failed: true, clean: false, dead: false },
    ],
    [
      'nothing answered',
      { answered: 0, timeouts: 20, rcodes: {} },
      { failed: true, clean: false, dead: true },
    ],
    [
      'no attempt at all',
      { attempts: 0, answered: 0, rcodes: {} },
      { failed: false, clean: false, dead: false },
    ],
  ])('judges a probe with %s', (_case, over, expected) => {
    const p = probe({ hop: 'dns-service', server: SERVER, ...over });

    expect({ failed: probeFailed(p), clean: probeClean(p), dead: isDead(p) }).toEqual(expected);
  });

  it('never counts more failures than attempts, nor negative unanswered', () => {
    const p = probe({ hop: 'dns-service', server: SERVER, answered: 0, rcodes: { SERVFAIL: 20 } });
    expect(failures(p)).toBe(20);
    expect(unanswered(probe({ hop: 'dns-service', server: SERVER, answered: 25 }))).toBe(0);
  });

  it('selects client-side results, or every probe from both ends', () => {
    const e = healthyEvidence();
    e.clientProbes = seen({
      where: 'probe-pod',
      results: [
        probe({ hop: 'dns-service', server: SERVER }),
        probe({ hop: 'upstream', side: 'coredns', server: '10.0.0.2:53' }),
      ],
    });

    expect(clientResults(e).map((r) => r.hop)).toEqual(['dns-service']);
    expect(allProbes(e).map((r) => r.hop)).toEqual(['dns-service', 'upstream', 'upstream']);
    expect(clientResults({ ...e, clientProbes: undefined })).toEqual([]);
  });

  it('knows which hops are cluster DNS', () => {
    expect([...CLUSTER_DNS_HOPS].sort()).toEqual(['coredns-pod', 'dns-service', 'nodelocal']);
  });
});
