import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/network-coredns-pod-unreachable.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { corednsPod, healthyEvidence, OBSERVED_AT, probe, withEvidence } from '../../fixtures/evidence.js';

const dead = { answered: 0, rcodes: {}, timeouts: 20 };
const SERVICE_OK = probe({ hop: 'dns-service', server: '10.96.0.10:53' });
const POD_B_DEAD = probe({ hop: 'coredns-pod', server: '10.244.2.3:53', ...dead });
const POD_C_OK = probe({ hop: 'coredns-pod', server: '10.244.3.4:53' });

function withProbes(results: ProbeResult[], base?: Evidence): Evidence {
  return withEvidence('clientProbes', seen({ where: 'probe-pod', node: 'node-a', results }), base);
}

describe('network.coredns-pod-unreachable', () => {
  it('fires as a warning when one Ready pod is silent and the Service still answers', () => {
    const [f] = check.run(withProbes([SERVICE_OK, POD_B_DEAD, POD_C_OK]));

    expect(f?.checkId).toBe('network.coredns-pod-unreachable');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe(
      'CoreDNS pod coredns-5d78c9869d-abcde (10.244.2.3 on node-b) unreachable from node node-a',
    );
    expect(f?.evidence[0]?.source).toBe('probe 10.244.2.3:53 (coredns-pod, client side)');
    expect(f?.evidence[0]?.text).toContain('0/20 answered');
    const commands = f?.remedies[0]?.commands ?? [];
    expect(commands).toContain(
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- dig @10.244.2.3 kubernetes.default.svc.cluster.local +time=2 +tries=1',
    );
    expect(commands).toContain('kubectl -n kube-system get pods -o wide -l k8s-app=kube-dns');
    expect(commands.at(-1)).toBe(
      "aws ec2 describe-instances --instance-ids i-0aaa1111 i-0bbb2222 --query 'Reservations[].Instances[].SecurityGroups'",
    );
  });

  it.each<[string, ProbeResult[]]>([
    [
      'every CoreDNS pod is silent',
      [SERVICE_OK, POD_B_DEAD, probe({ hop: 'coredns-pod', server: '10.244.3.4:53', ...dead })],
    ],
    [
      'the Service loses queries too',
      [
        probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 10, timeouts: 10 }),
        POD_B_DEAD,
        POD_C_OK,
      ],
    ],
  ])('is critical when %s', (_label, results) => {
    const [f] = check.run(withProbes(results));

    expect(f?.severity).toBe('critical');
  });

  it.each<[string, ProbeResult[]]>([
    [
      'the pod answers over TCP (UDP-only loss)',
      [SERVICE_OK, POD_B_DEAD, probe({ hop: 'coredns-pod', server: '10.244.2.3:53', transport: 'tcp' })],
    ],
    [
      'the pod answers some queries',
      [SERVICE_OK, probe({ hop: 'coredns-pod', server: '10.244.2.3:53', answered: 15, timeouts: 5 })],
    ],
    [
      'only the Service is silent',
      [probe({ hop: 'dns-service', server: '10.96.0.10:53', ...dead }), POD_C_OK],
    ],
  ])('finds nothing when %s', (_label, results) => {
    expect(check.run(withProbes(results))).toEqual([]);
  });

  it('leaves a silent pod that is not Ready to coredns.pods-not-ready', () => {
    const notReady = corednsPod('coredns-5d78c9869d-abcde', 'node-b', '10.244.2.3');
    notReady.status = { ...notReady.status, conditions: [{ type: 'Ready', status: 'False' }] };
    const e = withEvidence('corednsPods', seen([notReady]), withProbes([SERVICE_OK, POD_B_DEAD, POD_C_OK]));

    expect(check.run(e)).toEqual([]);
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

  it('names the address when the CoreDNS pods and nodes are unseen', () => {
    const e = {
      ...withProbes([SERVICE_OK, POD_B_DEAD, POD_C_OK]),
      corednsPods: unseen('forbidden'),
      corednsNodes: undefined,
    };
    const [f] = check.run(e);

    expect(f?.title).toBe('CoreDNS pod 10.244.2.3 unreachable from node node-a');
    expect(f?.remedies[0]?.commands.join('\n')).not.toContain('aws ec2');
  });
});
