import { describe, expect, it } from 'vitest';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { connectivityTable } from '../../../playbooks/report/connectivity.js';

const probe = (over: Partial<ProbeResult>): ProbeResult => ({
  hop: 'dns-service',
  side: 'client',
  server: '10.96.0.10:53',
  name: 'kubernetes.default.svc.cluster.local',
  qtype: 'A',
  transport: 'udp',
  attempts: 20,
  answered: 20,
  rcodes: { NOERROR: 20 },
  timeouts: 0,
  truncated: 0,
  ...over,
});
const evidence = (client: ProbeResult[], coredns: ProbeResult[] = []): Evidence => ({
  target: { namespace: 'shop', pod: 'web' },
  observedAt: '2024-08-20T10:00:00Z',
  clientProbes: seen({ where: 'probe-pod', node: 'node-a', results: client }),
  corednsSideProbes: seen({ where: 'probe-pod', node: 'node-b', results: coredns }),
});
const silent = { answered: 0, rcodes: {}, timeouts: 20, sample: 'timeout over udp after 2000 ms' };

describe('connectivityTable', () => {
  it('one row per server, UDP and TCP summed over the names, and no guide row when it answers', () => {
    const rows = connectivityTable(
      evidence([probe({}), probe({ transport: 'tcp' }), probe({ name: 'example.com' })]),
    );
    expect(rows).toEqual([
      {
        from: 'probe pod on node node-a',
        hop: 'dns-service',
        server: '10.96.0.10:53',
        names: ['kubernetes.default.svc.cluster.local', 'example.com'],
        counts: { udp: '40/40', tcp: '20/20' },
        result: 'ok',
      },
    ]);
  });

  it("UDP silent while TCP answers is udp-fails, with the guide's row and the raw error", () => {
    const [row] = connectivityTable(evidence([probe(silent), probe({ transport: 'tcp' })]));
    expect(row).toMatchObject({ result: 'udp-fails', sample: 'timeout over udp after 2000 ms' });
    expect(row?.guide?.issue).toBe('Cannot connect to the kube-dns Service');
  });

  it.each([
    [
      'fails',
      [
        probe({ ...silent, hop: 'coredns-pod', server: '10.244.1.5:53' }),
        probe({ ...silent, hop: 'coredns-pod', server: '10.244.1.5:53', transport: 'tcp' }),
      ],
    ],
    ['intermittent', [probe({ answered: 17, timeouts: 3, rcodes: { NOERROR: 17 } })]],
    ['error-code', [probe({ rcodes: { SERVFAIL: 20 } })]],
  ] as const)('%s', (result, results) => {
    expect(connectivityTable(evidence([...results]))[0]?.result).toBe(result);
  });

  it('CoreDNS-side rows say where they ran and carry the upstream row of the guide', () => {
    const up = probe({
      ...silent,
      hop: 'upstream',
      side: 'coredns',
      server: '10.0.1.1:53',
      name: 'example.com',
    });
    const rows = connectivityTable(evidence([], [up]));
    expect(rows[0]).toMatchObject({ from: 'CoreDNS node node-b', result: 'fails' });
    expect(rows[0]?.guide?.issue).toBe('CoreDNS cannot connect to upstream DNS servers');
  });

  it('worker-local probes are labelled as such; unseen probes give no rows', () => {
    const e: Evidence = {
      ...evidence([]),
      clientProbes: seen({ where: 'worker-local', results: [probe({})] }),
      corednsSideProbes: unseen('probe pod refused'),
    };
    const rows = connectivityTable(e);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.from).toBe("dnsmedic's worker (not the client's node)");
  });
});
