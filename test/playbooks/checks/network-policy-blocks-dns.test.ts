import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/network-policy-blocks-dns.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { NetworkPolicy } from '../../../playbooks/model/k8s.js';
import { corednsPod, healthyEvidence, OBSERVED_AT, pod, withEvidence } from '../../fixtures/evidence.js';

type Egress = NonNullable<NetworkPolicy['spec']['egress']>;

const KUBE_DNS = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};
const BOTH_53 = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

function policy(
  name: string,
  egress: Egress | undefined,
  over: Partial<NetworkPolicy['spec']> = {},
): NetworkPolicy {
  return {
    metadata: { name, namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress, ...over },
  };
}

function withPolicies(...policies: NetworkPolicy[]): Evidence {
  return withEvidence('networkPolicies', seen(policies));
}

describe('network.policy-blocks-dns', () => {
  it.each([
    [
      'a default-deny egress policy',
      policy('default-deny-egress', undefined, { podSelector: {} }),
      'UDP and TCP 53',
    ],
    [
      'egress to 443 only',
      policy('web-egress', [{ ports: [{ protocol: 'TCP', port: 443 }] }]),
      'UDP and TCP 53',
    ],
    [
      'DNS allowed over TCP only',
      policy('web-egress', [{ to: [KUBE_DNS], ports: [{ protocol: 'TCP', port: 53 }] }]),
      'UDP 53',
    ],
    [
      'port 53 without protocol (TCP by default)',
      policy('web-egress', [{ to: [KUBE_DNS], ports: [{ port: 53 }] }]),
      'UDP 53',
    ],
    [
      'port 53 to pods of the client namespace only',
      policy('web-egress', [
        { to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: BOTH_53 },
      ]),
      'UDP and TCP 53',
    ],
    [
      'an ipBlock whose except removes the DNS addresses',
      policy('web-egress', [
        {
          to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12', '10.244.0.0/16'] } }],
          ports: BOTH_53,
        },
      ]),
      'UDP and TCP 53',
    ],
  ])('fires critical on %s', (_label, pol, blocked) => {
    const [f] = check.run(withPolicies(pol));

    expect(f?.checkId).toBe('network.policy-blocks-dns');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain(pol.metadata.name);
    expect(f?.title).toContain(`(${blocked})`);
    expect(f?.evidence[0]?.source).toBe(`NetworkPolicy shop/${pol.metadata.name}`);
    expect(f?.remedies[0]?.commands.join('\n')).toContain(
      `kubectl -n shop patch networkpolicy ${pol.metadata.name}`,
    );
  });

  it('quotes the policy and patches in a rule for UDP and TCP 53 to the DNS pods', () => {
    const [f] = check.run(withPolicies(policy('default-deny-egress', undefined)));

    expect(f?.evidence[0]?.text).toContain('all egress denied');
    const patch = f?.remedies[0]?.commands[1] ?? '';
    expect(patch).toContain('"path":"/spec/egress"');
    expect(patch).toContain('"k8s-app":"kube-dns"');
    expect(patch).toContain('{"protocol":"UDP","port":53}');
    expect(patch).toContain('{"protocol":"TCP","port":53}');
    expect(patch).not.toContain('pod-template-hash');
  });

  it('builds the selector from the CoreDNS pod labels, without revision hashes, when the Service is unseen', () => {
    const coredns = corednsPod('coredns-5d78c9869d-abcde', 'node-b', '10.244.2.3');
    coredns.metadata.labels = { 'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d' };
    const e = {
      ...withPolicies(policy('deny', undefined)),
      clusterDns: unseen('forbidden'),
      corednsPods: seen([coredns]),
    };

    const patch = check.run(e)[0]?.remedies[0]?.commands[1] ?? '';

    expect(patch).toContain('"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}');
    expect(patch).not.toContain('pod-template-hash');
  });

  it('finds nothing when the DNS Service is unseen and the policy allows the CoreDNS pods', () => {
    const e = {
      ...withPolicies(policy('web-egress', [{ to: [KUBE_DNS], ports: BOTH_53 }])),
      clusterDns: unseen('forbidden'),
    };

    expect(check.run(e)).toEqual([]);
  });

  it('appends to existing egress rules', () => {
    const [f] = check.run(withPolicies(policy('web-egress', [{ ports: [{ protocol: 'TCP', port: 443 }] }])));

    expect(f?.remedies[0]?.commands[1]).toContain('"path":"/spec/egress/-"');
  });

  it('is a warning when UDP is allowed but TCP is not', () => {
    const [f] = check.run(
      withPolicies(policy('web-egress', [{ to: [KUBE_DNS], ports: [{ protocol: 'UDP', port: 53 }] }])),
    );

    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain('(TCP 53)');
    expect(f?.weight).toBeLessThan(0.7);
  });

  it('fires when the client uses NodeLocal and only the CoreDNS pods are allowed', () => {
    const base = withPolicies(policy('web-egress', [{ to: [KUBE_DNS], ports: BOTH_53 }]));
    const resolv = healthyEvidence().podResolvConf;
    const e: Evidence = {
      ...base,
      nodeLocal: seen({ deployed: true, localIp: '169.254.20.10', bindsClusterIp: false }),
      podResolvConf:
        resolv?.ok === true
          ? seen({ ...resolv.value, parsed: { ...resolv.value.parsed, nameservers: ['169.254.20.10'] } })
          : resolv,
    };

    const [f] = check.run(e);

    expect(f?.severity).toBe('critical');
    expect(f?.detail).toContain('169.254.20.10 (NodeLocal DNSCache)');
    expect(f?.remedies[0]?.commands[1]).toContain('169.254.20.10/32');
  });

  it.each<[string, NetworkPolicy[]]>([
    ['UDP and TCP 53 to the DNS pods', [policy('web-egress', [{ to: [KUBE_DNS], ports: BOTH_53 }])]],
    [
      'any port to kube-system',
      [policy('web-egress', [{ to: [{ namespaceSelector: KUBE_DNS.namespaceSelector }] }])],
    ],
    ['port 53 anywhere', [policy('web-egress', [{ ports: BOTH_53 }])]],
    [
      'named ports dns and dns-tcp',
      [
        policy('web-egress', [
          {
            to: [KUBE_DNS],
            ports: [
              { protocol: 'UDP', port: 'dns' },
              { protocol: 'TCP', port: 'dns-tcp' },
            ],
          },
        ]),
      ],
    ],
    [
      'an endPort range covering 53',
      [
        policy('web-egress', [
          {
            ports: [
              { protocol: 'UDP', port: 1, endPort: 1024 },
              { protocol: 'TCP', port: 1, endPort: 1024 },
            ],
          },
        ]),
      ],
    ],
    [
      'an ipBlock covering the Service IP',
      [policy('web-egress', [{ to: [{ ipBlock: { cidr: '10.96.0.0/12' } }], ports: BOTH_53 }])],
    ],
    [
      'an ipBlock covering the CoreDNS pod IPs',
      [policy('web-egress', [{ to: [{ ipBlock: { cidr: '10.244.0.0/16' } }], ports: BOTH_53 }])],
    ],
    [
      'DNS allowed by a second policy (policies add up)',
      [
        policy('web-egress', [{ ports: [{ protocol: 'TCP', port: 443 }] }]),
        policy('allow-dns', [{ to: [KUBE_DNS], ports: BOTH_53 }]),
      ],
    ],
    [
      'a deny policy that selects other pods',
      [policy('deny', undefined, { podSelector: { matchLabels: { app: 'db' } } })],
    ],
    ['an Ingress-only policy', [policy('ingress', undefined, { policyTypes: ['Ingress'] })]],
    [
      'a policy in another namespace',
      [{ ...policy('deny', undefined), metadata: { name: 'deny', namespace: 'other' } }],
    ],
    ['no policies at all', []],
  ])('finds nothing when %s', (_label, policies) => {
    expect(check.run(withPolicies(...policies))).toEqual([]);
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('ignores hostNetwork clients, which NetworkPolicies do not apply to', () => {
    const e = withEvidence(
      'clientPod',
      seen(pod('web-7d9f', 'shop', 'node-a', { hostNetwork: true })),
      withPolicies(policy('deny', undefined)),
    );

    expect(check.run(e)).toEqual([]);
  });

  it.each(['networkPolicies', 'clientPod'] as const)('finds nothing without %s (absent or unseen)', (key) => {
    const broken = withPolicies(policy('deny', undefined));
    expect(check.run({ ...broken, [key]: undefined })).toEqual([]);
    expect(check.run({ ...broken, [key]: unseen('forbidden') })).toEqual([]);
  });

  it('does not throw on bare evidence or without the DNS objects', () => {
    const broken = withPolicies(policy('deny', undefined));
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    const bare = {
      ...broken,
      clusterDns: undefined,
      corednsPods: undefined,
      podResolvConf: undefined,
      nodeLocal: undefined,
    };
    expect(check.run(bare)[0]?.severity).toBe('critical');
  });

  it('lists the needed evidence', () => {
    expect(check.needs).toEqual(['networkPolicies', 'clientPod']);
  });
});
