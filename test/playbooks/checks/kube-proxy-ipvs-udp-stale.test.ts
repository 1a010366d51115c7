import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/kube-proxy-ipvs-udp-stale.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { corednsPod, healthyEvidence, node, OBSERVED_AT, pod, probe } from '../../fixtures/evidence.js';

const OLD_KERNEL = '4.19.91-24.1.al7.x86_64';
const FLAKY = probe({
  hop: 'dns-service',
  server: '10.96.0.10:53',
  answered: 15,
  timeouts: 5,
  rcodes: { NOERROR: 15 },
});

/** IPVS mode, an old kernel on node-a, flaky Service probes, and a CoreDNS pod created 3 minutes ago. */
function staleIpvs(over: Partial<Evidence> = {}): Evidence {
  const clientNode = node('node-a', 'i-0aaa1111');
  clientNode.status!.nodeInfo!.kernelVersion = OLD_KERNEL;
  const fresh = corednsPod('coredns-5d78c9869d-zzzzz', 'node-c', '10.244.3.9');
  fresh.metadata.creationTimestamp = '2026-11-26T09:57:00Z';
  const base = healthyEvidence();
  return {
    ...base,
    kubeProxy: seen({
      runsKubeProxy: true,
      mode: 'ipvs',
      podOnNode: pod('kube-proxy-x2x2x', 'kube-system', 'node-a'),
    }),
    clientNode: seen(clientNode),
    corednsPods: seen([corednsPod('coredns-5d78c9869d-abcde', 'node-b', '10.244.2.3'), fresh]),
    clientProbes: seen({ where: 'probe-pod', node: 'node-a', results: [FLAKY] }),
    ...over,
  };
}

describe('kube-proxy.ipvs-udp-stale', () => {
  it('fires on IPVS mode, an old kernel and partial loss right after a CoreDNS pod was replaced', () => {
    const [f] = check.run(staleIpvs());

    expect(f?.checkId).toBe('kube-proxy.ipvs-udp-stale');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('node node-a (kernel 4.19.91-24.1.al7.x86_64)');
    expect(f?.evidence).toContainEqual({
      source: 'kernel of node node-a',
      text: `${OLD_KERNEL} (older than 4.19.91-25.1.al7)`,
    });
    expect(f?.evidence).toContainEqual({
      source: 'pod coredns-5d78c9869d-zzzzz',
      text: 'created 2026-11-26T09:57:00Z',
    });
    expect(f?.evidence.some((x) => x.text.includes('15/20 answered, 5 timeouts'))).toBe(true);
    const commands = f?.remedies.flatMap((r) => r.commands) ?? [];
    expect(commands).toContain(
      'kubectl debug node/node-a -it --profile=sysadmin --image=nicolaka/netshoot -- ipvsadm --set 0 0 10',
    );
    expect(commands).toContain('kubectl -n kube-system edit configmap kube-proxy');
    expect(commands.join('\n')).toContain('s/__PILLAR__CLUSTER__DNS__/10.96.0.10/g');
    expect(commands.join('\n')).toContain('s/__PILLAR__DNS__DOMAIN__/cluster.local/g');
  });

  it.each<[string, Partial<Evidence>]>([
    [
      'an endpoint is terminating',
      {
        corednsEndpoints: seen([
          {
            metadata: { name: 'kube-dns-x7k2p', namespace: 'kube-system' },
            endpoints: [{ addresses: ['10.244.2.3'], conditions: { ready: false, terminating: true } }],
          },
        ]),
        corednsPods: healthyEvidence().corednsPods,
      },
    ],
    [
      'the Deployment is scaling in',
      {
        corednsDeployment: seen({
          metadata: { name: 'coredns', namespace: 'kube-system' },
          spec: { replicas: 2 },
          status: { replicas: 4 },
        }),
        corednsPods: healthyEvidence().corednsPods,
      },
    ],
    [
      'a CoreDNS node is going away',
      {
        corednsNodes: seen([
          { ...node('node-b', 'i-0bbb2222'), status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
        ]),
        corednsPods: healthyEvidence().corednsPods,
      },
    ],
  ])('fires when %s', (_label, over) => {
    expect(check.run(staleIpvs(over))[0]?.checkId).toBe('kube-proxy.ipvs-udp-stale');
  });

  it('reads the kernel from node facts when the Node object is unseen', () => {
    const facts = seen({
      node: 'node-a',
      source: 'node-probe' as const,
      kernelVersion: '3.10.0-1160.el7.x86_64',
    });
    const [f] = check.run(staleIpvs({ clientNode: unseen('forbidden'), nodeFacts: facts }));

    expect(f?.title).toContain('kernel 3.10.0-1160.el7.x86_64');
  });

  it.each<[string, Partial<Evidence>]>([
    [
      'kube-proxy runs in iptables mode',
      { kubeProxy: seen({ runsKubeProxy: true, mode: 'iptables' as const }) },
    ],
    [
      'the kernel has the fix',
      {
        clientNode: seen({
          ...node('node-a', 'i-0aaa1111'),
          status: { nodeInfo: { kernelVersion: '4.19.91-25.1.al7.x86_64' } },
        }),
      },
    ],
    [
      'the kernel is newer',
      {
        clientNode: seen({
          ...node('node-a', 'i-0aaa1111'),
          status: { nodeInfo: { kernelVersion: '5.10.134-16.al8.x86_64' } },
        }),
      },
    ],
    ['the kernel is unknown', { clientNode: unseen('forbidden'), nodeFacts: undefined }],
    ['nothing changed recently (pods created days ago)', { corednsPods: healthyEvidence().corednsPods }],
    [
      'the probes all answered',
      {
        clientProbes: seen({
          where: 'probe-pod' as const,
          node: 'node-a',
          results: [probe({ hop: 'dns-service', server: '10.96.0.10:53' })],
        }),
      },
    ],
    [
      'the Service IP always fails (not intermittent)',
      {
        clientProbes: seen({
          where: 'probe-pod' as const,
          node: 'node-a',
          results: [probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 0, timeouts: 20 })],
        }),
      },
    ],
  ])('finds nothing when %s', (_label, over) => {
    expect(check.run(staleIpvs(over))).toEqual([]);
  });

  it('judges recency against observedAt, not the clock', () => {
    expect(check.run(staleIpvs({ observedAt: '2026-11-27T10:00:00Z' }))).toEqual([]);
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each(['kubeProxy', 'clientProbes'] as const)('finds nothing without %s (absent or unseen)', (key) => {
    expect(check.run(staleIpvs({ [key]: undefined }))).toEqual([]);
    expect(check.run(staleIpvs({ [key]: unseen('forbidden') }))).toEqual([]);
  });

  it('does not throw on bare evidence', () => {
    const results: ProbeResult[] = [FLAKY];
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    expect(
      check.run({
        target: {},
        observedAt: 'not a date',
        kubeProxy: seen({ runsKubeProxy: true, mode: 'ipvs' }),
        clientProbes: seen({ where: 'worker-local', results }),
        nodeFacts: seen({ node: 'node-a', source: 'prometheus', kernelVersion: OLD_KERNEL }),
      }),
    ).toEqual([]);
    expect(check.needs).toEqual(['kubeProxy', 'clientProbes']);
  });
});
