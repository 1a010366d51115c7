import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/nodelocal-not-running.js';
import type { Evidence, NodeLocalFacts, ObservedResolvConf } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { healthyEvidence, OBSERVED_AT, pod, probe } from '../../fixtures/evidence.js';

function resolvWith(...nameservers: string[]): ObservedResolvConf {
  return {
    text: nameservers.map((n) => `nameserver ${n}`).join('\n'),
    parsed: { nameservers, search: ['shop.svc.cluster.local'], options: { ndots: 5 }, unknown: [] },
    source: 'probe-pod',
  };
}

function cachePod(state: 'ready' | 'crashloop' | 'old-restarts'): Pod {
  const p = pod('node-local-dns-7xk2q', 'kube-system', 'node-a');
  if (state === 'crashloop') {
    p.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'node-cache',
          ready: false,
          restartCount: 7,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    };
  }
  if (state === 'old-restarts' && p.status?.containerStatuses?.[0]) {
    p.status.containerStatuses[0].restartCount = 4;
    p.status.containerStatuses[0].lastState = {
      terminated: { reason: 'Error', finishedAt: '2026-11-20T03:00:00Z' },
    };
  }
  return p;
}

function facts(over: Partial<NodeLocalFacts> = {}): NodeLocalFacts {
  return {
    deployed: true,
    localIp: '169.254.20.10',
    daemonSet: { metadata: { name: 'node-local-dns', namespace: 'kube-system' } },
    ...over,
  };
}

function evidence(nl: NodeLocalFacts, resolv = resolvWith('169.254.20.10')): Evidence {
  return { ...healthyEvidence(), nodeLocal: seen(nl), podResolvConf: seen(resolv) };
}

describe('nodelocal.not-running', () => {
  it('is critical when the only nameserver is NodeLocal and its pod crash-loops', () => {
    const [f, ...rest] = check.run(evidence(facts({ podOnNode: cachePod('crashloop') })));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('nodelocal.not-running');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.7);
    expect(f?.title).toContain('kube-system/node-local-dns-7xk2q is not ready (Running, CrashLoopBackOff)');
    expect(f?.evidence[0]?.text).toBe('nameserver 169.254.20.10');
    expect(f?.remedies[0]?.commands).toEqual([
      'kubectl -n kube-system describe pod node-local-dns-7xk2q',
      'kubectl -n kube-system logs node-local-dns-7xk2q --previous --timestamps --tail=100',
      'kubectl -n kube-system delete pod node-local-dns-7xk2q',
    ]);
  });

  it('weighs a failing probe to the NodeLocal address as reproduced', () => {
    const dead = probe({
      hop: 'nodelocal',
      server: '169.254.20.10:53',
      answered: 0,
      timeouts: 20,
      rcodes: {},
    });
    const e = {
      ...evidence(facts()),
      clientProbes: seen({ where: 'probe-pod' as const, node: 'node-a', results: [dead] }),
    };
    const [f] = check.run(e);

    expect(f?.weight).toBe(0.9);
    expect(f?.title).toContain('no node-local-dns pod runs on node-a');
    expect(f?.evidence).toContainEqual({
      source: 'probe client -> nodelocal 169.254.20.10:53',
      text: 'A kubernetes.default.svc.cluster.local over udp: 0/20 answered (no answer), 20 timeouts',
    });
    expect(f?.remedies[0]?.commands).toContain('kubectl describe node node-a');
  });

  it('is a warning when another nameserver follows NodeLocal', () => {
    const [f] = check.run(
      evidence(facts({ podOnNode: cachePod('crashloop') }), resolvWith('169.254.20.10', '10.96.0.10')),
    );
    expect(f?.severity).toBe('warning');
  });

  it('fires when pods point at the conventional address but no DaemonSet is deployed', () => {
    const [f] = check.run(evidence({ deployed: false }));

    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('no NodeLocal DNSCache DaemonSet is deployed');
    expect(f?.remedies[0]?.commands).toContain('kubectl get daemonset -A -l k8s-app=node-local-dns');
  });

  it('fires as a warning in iptables mode when the cache binding the cluster IP is not ready', () => {
    const nl = facts({ bindsClusterIp: true, podOnNode: cachePod('crashloop') });
    const [f] = check.run(evidence(nl, resolvWith('10.96.0.10')));
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
  });

  it('gives no finding for the healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['node-cache ready', facts({ podOnNode: cachePod('ready') }), resolvWith('169.254.20.10')],
    [
      'restarts days ago, Ready now',
      facts({ podOnNode: cachePod('old-restarts') }),
      resolvWith('169.254.20.10'),
    ],
    ['pod does not use NodeLocal', facts(), resolvWith('10.96.0.10')],
    [
      'iptables mode, no pod on the node (rules gone with it)',
      facts({ bindsClusterIp: true }),
      resolvWith('10.96.0.10'),
    ],
  ])('is not a fault: %s', (_case, nl, resolv) => {
    expect(check.run(evidence(nl, resolv))).toEqual([]);
  });

  it('does not throw or fire with missing or unseen evidence', () => {
    expect(check.run({ ...evidence(facts()), nodeLocal: unseen('forbidden') })).toEqual([]);
    expect(check.run({ ...evidence(facts()), podResolvConf: undefined })).toEqual([]);
    expect(check.run({ target: {}, observedAt: OBSERVED_AT })).toEqual([]);
  });
});
