import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/kube-proxy-not-running.js';
import type { Evidence, KubeProxyFacts } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { DaemonSet, Node, Pod } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, node, OBSERVED_AT, pod, probe, withEvidence } from '../../fixtures/evidence.js';

const DAEMONSET = {
  metadata: { name: 'kube-proxy', namespace: 'kube-system' },
  status: { desiredNumberScheduled: 3, numberReady: 2 },
};

function crashing(): Pod {
  const p = pod('kube-proxy-x2x2x', 'kube-system', 'node-a');
  p.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'kube-proxy',
        ready: false,
        restartCount: 7,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    ],
  };
  return p;
}

function withKubeProxy(facts: KubeProxyFacts, base?: Evidence): Evidence {
  return withEvidence('kubeProxy', seen(facts), base);
}

describe('kube-proxy.not-running', () => {
  it('is a warning when no kube-proxy pod runs on the node but the Service still answers', () => {
    const [f] = check.run(withKubeProxy({ runsKubeProxy: true, mode: 'iptables', daemonSet: DAEMONSET }));

    expect(f?.checkId).toBe('kube-proxy.not-running');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe('no kube-proxy pod runs on node node-a');
    expect(f?.evidence).toContainEqual({
      source: 'DaemonSet kube-system/kube-proxy',
      text: 'desiredNumberScheduled=3 numberReady=2',
    });
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy --field-selector spec.nodeName=node-a',
    );
    expect(f?.remedies[0]?.commands).toContain('kubectl describe node node-a');
  });

  it('is critical when its pod crash-loops and the Service IP goes unanswered', () => {
    const base = withEvidence(
      'clientProbes',
      seen({
        where: 'probe-pod',
        node: 'node-a',
        results: [
          probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 0, rcodes: {}, timeouts: 20 }),
        ],
      }),
    );
    const [f] = check.run(
      withKubeProxy({ runsKubeProxy: true, mode: 'iptables', podOnNode: crashing() }, base),
    );

    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBeGreaterThanOrEqual(0.7);
    expect(f?.title).toBe('kube-proxy pod kube-system/kube-proxy-x2x2x is not Ready on node node-a');
    expect(f?.evidence[0]).toEqual({
      source: 'pod kube-system/kube-proxy-x2x2x',
      text: 'phase Running, Ready false, waiting: CrashLoopBackOff',
    });
    expect(f?.evidence[1]?.text).toContain('0/20 answered');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system logs kube-proxy-x2x2x --tail=200');
  });

  it.each<[string, KubeProxyFacts]>([
    ['k3s embeds kube-proxy', { runsKubeProxy: false, replacedBy: 'k3s' }],
    ['Cilium replaces kube-proxy', { runsKubeProxy: false, replacedBy: 'cilium' }],
    ['kube-proxy is absent for another reason', { runsKubeProxy: false, replacedBy: 'other' }],
  ])('finds nothing when %s (by design)', (_label, facts) => {
    expect(check.run(withKubeProxy(facts))).toEqual([]);
  });

  it('finds nothing for a Ready pod that restarted days ago', () => {
    const old = pod('kube-proxy-x2x2x', 'kube-system', 'node-a');
    old.status!.containerStatuses = [
      {
        name: 'kube-proxy',
        ready: true,
        restartCount: 12,
        state: { running: { startedAt: '2026-11-20T08:00:00Z' } },
        lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-20T07:59:00Z' } },
      },
    ];

    expect(check.run(withKubeProxy({ runsKubeProxy: true, mode: 'iptables', podOnNode: old }))).toEqual([]);
  });

  describe('nodes the DaemonSet does not target (bug: a Fargate client was reported as missing kube-proxy)', () => {
    /** EKS's kube-proxy add-on: Linux, amd64/arm64, and never on Fargate nodes. */
    const EKS_DAEMONSET = {
      ...DAEMONSET,
      spec: {
        template: {
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                        { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] },
                      ],
                    },
                  ],
                },
              },
            },
          },
        },
      },
    } as DaemonSet;

    function clientOn(labels: Record<string, string>): Evidence {
      const n: Node = node('node-a', 'i-1');
      n.metadata.labels = { 'kubernetes.io/hostname': 'node-a', ...labels };
      return withEvidence('clientNode', seen(n));
    }

    const linux = { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' };

    it('finds nothing on an EKS Fargate node, which the kube-proxy DaemonSet excludes by design', () => {
      const e = clientOn({ ...linux, 'eks.amazonaws.com/compute-type': 'fargate' });

      expect(check.run(withKubeProxy({ runsKubeProxy: true, daemonSet: EKS_DAEMONSET }, e))).toEqual([]);
    });

    it('finds nothing on a Windows node outside the nodeSelector', () => {
      const ds = {
        ...DAEMONSET,
        spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      } as DaemonSet;
      const e = clientOn({ 'kubernetes.io/os': 'windows', 'kubernetes.io/arch': 'amd64' });

      expect(check.run(withKubeProxy({ runsKubeProxy: true, daemonSet: ds }, e))).toEqual([]);
    });

    it('still reports a missing pod on a node the DaemonSet does target', () => {
      const [f] = check.run(
        withKubeProxy({ runsKubeProxy: true, daemonSet: EKS_DAEMONSET }, clientOn(linux)),
      );

      expect(f?.title).toBe('no kube-proxy pod runs on node node-a');
    });

    it('still reports a pod that is there but not Ready, wherever it runs', () => {
      const e = clientOn({ ...linux, 'eks.amazonaws.com/compute-type': 'fargate' });
      const [f] = check.run(
        withKubeProxy({ runsKubeProxy: true, daemonSet: EKS_DAEMONSET, podOnNode: crashing() }, e),
      );

      expect(f?.checkId).toBe('kube-proxy.not-running');
    });

    it('reads matchFields on metadata.name, and treats an empty term as matching nothing', () => {
      const byName = (values: string[]) =>
        ({
          ...DAEMONSET,
          spec: {
            template: {
              spec: {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        {},
                        { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values }] },
                      ],
                    },
                  },
                },
              },
            },
          },
        }) as DaemonSet;

      expect(
        check.run(withKubeProxy({ runsKubeProxy: true, daemonSet: byName(['node-a']) }, clientOn(linux))),
      ).toEqual([]);
      expect(
        check.run(withKubeProxy({ runsKubeProxy: true, daemonSet: byName(['node-b']) }, clientOn(linux))),
      ).toHaveLength(1);
    });

    it('keeps reporting when the client node is unseen: it cannot tell the node is excluded', () => {
      const e = withEvidence('clientNode', unseen('forbidden'));

      expect(check.run(withKubeProxy({ runsKubeProxy: true, daemonSet: EKS_DAEMONSET }, e))).toHaveLength(1);
    });
  });

  it('finds nothing for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('finds nothing when it cannot tell which node the client is on', () => {
    const e: Evidence = { target: {}, observedAt: OBSERVED_AT, kubeProxy: seen({ runsKubeProxy: true }) };

    expect(check.run(e)).toEqual([]);
  });

  it('finds nothing without kube-proxy facts (absent or unseen), and does not throw on bare evidence', () => {
    expect(check.run(withEvidence('kubeProxy', undefined))).toEqual([]);
    expect(check.run(withEvidence('kubeProxy', unseen('forbidden')))).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
    expect(check.needs).toEqual(['kubeProxy']);
  });
});
