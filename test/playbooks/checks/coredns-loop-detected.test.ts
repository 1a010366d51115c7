import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-loop-detected.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { corednsPod, emptyLogSummary, healthyEvidence } from '../../fixtures/evidence.js';

const A = 'coredns-5d78c9869d-abcde';
const LOOP =
  '[FATAL] plugin/loop: Loop (127.0.0.1:51384 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 2781022615773629442.4133547885299871809."';

function loop(over: Partial<LogEvent> = {}): LogEvent {
  return {
    kind: 'loop',
    lineNo: 12,
    line: LOOP,
    source: `kube-system/${A}`,
    at: '2026-11-26T09:58:00Z',
    ...over,
  };
}

function crashLooping(): Pod {
  const p = corednsPod(A, 'node-b', '10.244.2.3');
  p.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      { name: 'coredns', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
  };
  return p;
}

function withLoop(evs: LogEvent[], pods: Pod[]): Evidence {
  return {
    ...healthyEvidence(),
    corednsPods: seen(pods),
    corednsLogs: seen(emptyLogSummary({ events: evs })),
    nodeResolvConf: seen({ nameservers: ['127.0.0.53'], search: [], options: {}, unknown: [] }),
    // The CoreDNS-side probe pod that read that resolv.conf ran on a CoreDNS node.
    corednsSideProbes: seen({ where: 'probe-pod', node: 'node-c', results: [] }),
  };
}

describe('coredns.loop-detected', () => {
  it('fires critical through /etc/resolv.conf and a local stub, with node and ConfigMap commands', () => {
    const [f, ...rest] = check.run(withLoop([loop()], [crashLooping()]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.loop-detected');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe(
      'CoreDNS detected a forwarding loop through /etc/resolv.conf (ConfigMap kube-system/coredns)',
    );
    expect(f?.evidence[0]?.text).toBe(LOOP);
    expect(f?.evidence).toContainEqual({
      source: 'Corefile line 13 (ConfigMap kube-system/coredns)',
      text: 'forward . /etc/resolv.conf',
    });
    expect(f?.evidence).toContainEqual({
      source: 'resolv.conf of node node-c',
      text: 'nameserver 127.0.0.53',
    });
    expect(f?.detail).toContain('127.0.0.53');
    expect(f?.remedies[0]?.commands[0]).toContain('kubectl debug node/node-b');
    expect(f?.remedies[1]?.commands).toContain('kubectl -n kube-system edit configmap coredns');
    expect(f?.remedies[1]?.summary).toMatch(/^Or make `forward`/);
    expect(f?.weight).toBe(0.9);
  });

  it('suggests the real upstreams the node knows', () => {
    const e = withLoop([loop()], [crashLooping()]);
    e.nodeResolvConf = seen({ nameservers: ['10.0.0.2'], search: [], options: {}, unknown: [] });
    const [f] = check.run(e);
    expect(f?.remedies.at(-1)?.summary).toContain('forward . 10.0.0.2');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('does not fire for a loop older than the containers running now, all Ready', () => {
    const pods = healthyEvidence().corednsPods;
    const ready = pods?.ok ? pods.value : [];
    for (const p of ready) {
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'coredns',
            ready: true,
            restartCount: 3,
            state: { running: { startedAt: '2026-11-22T00:00:00Z' } },
          },
        ],
      };
    }
    expect(check.run(withLoop([loop({ at: '2026-11-21T23:50:00Z' })], ready))).toEqual([]);
  });

  it.each([
    ['unseen', unseen('pods/log is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the logs are %s', (_, corednsLogs) => {
    expect(check.run({ ...healthyEvidence(), corednsLogs })).toEqual([]);
  });

  it('fires without pods, Corefile or node resolv.conf, with only the ConfigMap remedy', () => {
    const e: Evidence = {
      target: {},
      observedAt: '2026-11-26T10:00:00Z',
      corednsLogs: seen(emptyLogSummary({ events: [loop({ source: undefined })] })),
    };
    const [f] = check.run(e);
    expect(f?.severity).toBe('critical');
    expect(f?.remedies).toHaveLength(1);
    expect(f?.remedies[0]?.summary).toMatch(/^Make `forward`/);
  });
});
