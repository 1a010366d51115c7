import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/network-kube-dns-service-unreachable.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { healthyEvidence, OBSERVED_AT, pod, probe, withEvidence } from '../../fixtures/evidence.js';

const dead = { answered: 0, rcodes: {}, timeouts: 20 };
const SERVICE_DEAD = [
  probe({ hop: 'dns-service', server: '10.96.0.10:53', ...dead }),
  probe({ hop: 'dns-service', server: '10.96.0.10:53', transport: 'tcp', ...dead }),
];
const PODS_OK = [
  probe({ hop: 'coredns-pod', server: '10.244.2.3:53' }),
  probe({ hop: 'coredns-pod', server: '10.244.3.4:53' }),
];

function withProbes(results: ProbeResult[], base?: Evidence): Evidence {
  return withEvidence('clientProbes', seen({ where: 'probe-pod', node: 'node-a', results }), base);
}

describe('network.kube-dns-service-unreachable', () => {
  it('fires when the Service IP is silent and each CoreDNS pod IP answers', () => {
    const [f] = check.run(withProbes([...SERVICE_DEAD, ...PODS_OK]));

    expect(f?.checkId).toBe('network.kube-dns-service-unreachable');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe(
      'DNS Service kube-system/kube-dns (10.96.0.10) unreachable from node node-a; CoreDNS pod IPs answer',
    );
    expect(f?.evidence[0]).toMatchObject({ source: 'probe 10.96.0.10:53 (dns-service, client side)' });
    expect(f?.evidence[0]?.text).toContain('0/20 answered, 20 timeouts');
    expect(f?.evidence.some((x) => x.text.includes('20/20 answered'))).toBe(true);
    expect(f?.evidence.at(-1)).toEqual({
      source: 'kube-proxy on node node-a',
      text: 'pod kube-proxy-x2x2x Ready, mode iptables',
    });
    const commands = f?.remedies[0]?.commands ?? [];
    expect(commands).toContain(
      'kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns -o wide',
    );
    expect(commands).toContain('kubectl -n kube-system delete pod kube-proxy-x2x2x');
    expect(commands.join('\n')).toContain(
      "kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- sh -c 'iptables-save -t nat | grep 10.96.0.10'",
    );
  });

  it('shows the IPVS rules in IPVS mode', () => {
    const e = withEvidence(
      'kubeProxy',
      seen({
        runsKubeProxy: true,
        mode: 'ipvs' as const,
        podOnNode: pod('kube-proxy-x2x2x', 'kube-system', 'node-a'),
      }),
      withProbes([...SERVICE_DEAD, ...PODS_OK]),
    );

    expect(check.run(e)[0]?.remedies[0]?.commands.join('\n')).toContain('ipvsadm -Ln -u 10.96.0.10:53');
  });

  it('points at Cilium where Cilium replaces kube-proxy', () => {
    const e = withEvidence(
      'kubeProxy',
      seen({ runsKubeProxy: false, replacedBy: 'cilium' as const }),
      withProbes([...SERVICE_DEAD, ...PODS_OK]),
    );
    const [f] = check.run(e);

    expect(f?.evidence.at(-1)?.text).toBe('no kube-proxy (cilium)');
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl -n kube-system exec ds/cilium -- cilium-dbg service list',
    );
  });

  it.each<[string, ProbeResult[]]>([
    [
      'a CoreDNS pod IP is silent too',
      [...SERVICE_DEAD, PODS_OK[0]!, probe({ hop: 'coredns-pod', server: '10.244.3.4:53', ...dead })],
    ],
    [
      'the Service IP answers some queries',
      [probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 12, timeouts: 8 }), ...PODS_OK],
    ],
    [
      'the Service IP answers over TCP (UDP-only loss)',
      [
        SERVICE_DEAD[0]!,
        probe({ hop: 'dns-service', server: '10.96.0.10:53', transport: 'tcp' }),
        ...PODS_OK,
      ],
    ],
    ['no pod IP was probed', SERVICE_DEAD],
    [
      'only the CoreDNS side failed',
      [probe({ hop: 'dns-service', side: 'coredns', server: '10.96.0.10:53', ...dead }), ...PODS_OK],
    ],
  ])('finds nothing when %s', (_label, results) => {
    expect(check.run(withProbes(results))).toEqual([]);
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('leaves a down NodeLocal that answers the Service IP to nodelocal.not-running', () => {
    const e = withEvidence(
      'nodeLocal',
      seen({ deployed: true, localIp: '169.254.20.10', bindsClusterIp: true }),
      withProbes([...SERVICE_DEAD, ...PODS_OK]),
    );

    expect(check.run(e)).toEqual([]);
  });

  it('finds nothing without probes (absent or unseen), and does not throw on bare evidence', () => {
    expect(check.run(withEvidence('clientProbes', undefined))).toEqual([]);
    expect(check.run(withEvidence('clientProbes', unseen('probe pod refused')))).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    expect(check.needs).toEqual(['clientProbes']);
  });

  it('still fires without the DNS Service or kube-proxy objects, naming the probed address', () => {
    const e = {
      ...withProbes([...SERVICE_DEAD, ...PODS_OK]),
      clusterDns: undefined,
      kubeProxy: unseen('forbidden'),
      clientPod: undefined,
    };
    const [f] = check.run(e);

    expect(f?.title).toContain('the cluster DNS Service (10.96.0.10)');
    expect(f?.remedies[0]?.commands[0]).toContain('kubectl -n kube-system get endpointslices');
  });
});
