import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/network-udp53-blocked.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, probe, withEvidence } from '../../fixtures/evidence.js';

const dead = { answered: 0, rcodes: {}, timeouts: 20 };
const UDP_DEAD = probe({ hop: 'dns-service', server: '10.96.0.10:53', ...dead });
const TCP_OK = probe({ hop: 'dns-service', server: '10.96.0.10:53', transport: 'tcp' });

function withProbes(results: ProbeResult[], base?: Evidence): Evidence {
  return withEvidence('clientProbes', seen({ where: 'probe-pod', node: 'node-a', results }), base);
}

describe('network.udp53-blocked', () => {
  it('fires when UDP is silent and TCP to the same server answers', () => {
    const [f] = check.run(
      withProbes([UDP_DEAD, TCP_OK, probe({ hop: 'coredns-pod', server: '10.244.2.3:53' })]),
    );

    expect(f?.checkId).toBe('network.udp53-blocked');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe('UDP 53 blocked from node node-a to 10.96.0.10; TCP 53 answers');
    expect(f?.evidence.map((x) => x.text)).toEqual([
      'udp A kubernetes.default.svc.cluster.local: 0/20 answered, 20 timeouts',
      'tcp A kubernetes.default.svc.cluster.local: 20/20 answered, 0 timeouts, NOERROR 20',
    ]);
    const commands = f?.remedies[0]?.commands ?? [];
    expect(commands[0]).toBe(
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- dig +notcp @10.96.0.10 kubernetes.default.svc.cluster.local +time=2 +tries=1',
    );
    expect(commands).toContain('kubectl -n shop get networkpolicy');
    expect(commands).toContain(
      "aws ec2 describe-instances --instance-ids i-0aaa1111 --query 'Reservations[].Instances[].SecurityGroups'",
    );
  });

  it('lists every server that loses UDP only', () => {
    const results = [
      UDP_DEAD,
      TCP_OK,
      probe({ hop: 'coredns-pod', server: '10.244.2.3:53', ...dead }),
      probe({ hop: 'coredns-pod', server: '10.244.2.3:53', transport: 'tcp' }),
    ];

    expect(check.run(withProbes(results))[0]?.title).toContain('to 10.96.0.10, 10.244.2.3;');
  });

  it.each<[string, ProbeResult[]]>([
    ['TCP was not probed', [UDP_DEAD]],
    [
      'TCP is silent too',
      [UDP_DEAD, probe({ hop: 'dns-service', server: '10.96.0.10:53', transport: 'tcp', ...dead })],
    ],
    [
      'UDP answers some queries (intermittent, not blocked)',
      [probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 14, timeouts: 6 }), TCP_OK],
    ],
    [
      'too few UDP attempts to call it persistent',
      [probe({ hop: 'dns-service', server: '10.96.0.10:53', attempts: 2, ...dead }), TCP_OK],
    ],
    [
      'UDP to the upstream fails (not a client hop)',
      [
        probe({ hop: 'upstream', server: '10.0.0.2:53', ...dead }),
        probe({ hop: 'upstream', server: '10.0.0.2:53', transport: 'tcp' }),
      ],
    ],
  ])('finds nothing when %s', (_label, results) => {
    expect(check.run(withProbes(results))).toEqual([]);
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

  it('fires without node or pod objects, with no node commands', () => {
    const probes = seen({ where: 'worker-local' as const, results: [UDP_DEAD, TCP_OK] });
    const [f] = check.run({ target: {}, observedAt: OBSERVED_AT, clientProbes: probes });

    // Probes from the worker are not worded as if they ran on the client's node.
    expect(f?.title).toContain("from dnsmedic's worker (not the client's node)");
    expect(f?.remedies[0]?.commands).toEqual(['kubectl -n default get networkpolicy']);
  });

  it("words probe-pod results without a node name as the client's node", () => {
    const probes = seen({ where: 'probe-pod' as const, results: [UDP_DEAD, TCP_OK] });
    const [f] = check.run({ target: {}, observedAt: OBSERVED_AT, clientProbes: probes });

    expect(f?.title).toContain("from the client's node");
  });
});
