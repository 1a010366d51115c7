import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-rbac-endpointslices.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence } from '../../fixtures/evidence.js';

const FORBIDDEN =
  '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:kube-system:coredns" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope';

function forbidden(over: Partial<LogEvent> = {}): LogEvent {
  return {
    kind: 'api-forbidden',
    lineNo: 4,
    line: FORBIDDEN,
    detail: 'endpointslices.discovery.k8s.io',
    source: 'kube-system/coredns-5d78c9869d-abcde',
    at: '2026-11-26T09:59:00Z',
    ...over,
  };
}

function withLogs(evs: LogEvent[], base = healthyEvidence()): Evidence {
  return { ...base, corednsLogs: seen(emptyLogSummary({ events: evs })) };
}

describe('coredns.rbac-endpointslices', () => {
  it('fires critical with the forbidden line and a patch for the ClusterRole', () => {
    const [f, ...rest] = check.run(withLogs([forbidden()]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.rbac-endpointslices');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe('CoreDNS service account kube-system/coredns may not list EndpointSlices');
    expect(f?.evidence[0]?.text).toContain('endpointslices.discovery.k8s.io is forbidden');
    expect(f?.evidence[0]?.text.length).toBeLessThanOrEqual(300);
    expect(f?.evidence).toContainEqual({ source: 'CoreDNS version', text: '1.11.3' });
    const commands = f?.remedies[0]?.commands ?? [];
    expect(commands).toContain(
      'kubectl auth can-i list endpointslices.discovery.k8s.io --as=system:serviceaccount:kube-system:coredns',
    );
    expect(
      commands.some((c) => c.startsWith('kubectl patch clusterrole system:coredns') && c.includes('"watch"')),
    ).toBe(true);
    expect(f?.weight).toBe(0.9);
  });

  it('names the service account the line names', () => {
    const line = FORBIDDEN.replace('kube-system:coredns', 'dns:coredns-sa');
    const [f] = check.run(withLogs([forbidden({ line })]));
    expect(f?.title).toContain('dns/coredns-sa');
    expect(f?.remedies[0]?.commands[0]).toContain('--as=system:serviceaccount:dns:coredns-sa');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'another resource is forbidden',
      [
        forbidden({
          line: '[ERROR] plugin/kubernetes: namespaces is forbidden: User "x" cannot list resource "namespaces"',
          detail: 'namespaces',
        }),
      ],
    ],
    [
      'the line predates the containers running now, all Ready',
      [forbidden({ at: '2026-11-20T09:00:00Z', source: undefined })],
    ],
  ])('does not fire when %s', (_, evs) => {
    const base = healthyEvidence();
    const pods = base.corednsPods?.ok ? base.corednsPods.value : [];
    for (const p of pods) {
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'coredns',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-11-21T00:00:00Z' } },
          },
        ],
      };
    }
    expect(check.run(withLogs(evs, base))).toEqual([]);
  });

  it.each([
    ['unseen', unseen('pods/log is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the logs are %s', (_, corednsLogs) => {
    expect(check.run({ ...healthyEvidence(), corednsLogs })).toEqual([]);
  });
});

describe('coredns.rbac-endpointslices, after the rule was granted again', () => {
  const POD = 'coredns-5d78c9869d-abcde';

  /** Every pod Ready since `readySince`, their containers running since 09:12. */
  function readySince(readySince: string): Evidence {
    const base = healthyEvidence();
    for (const p of base.corednsPods?.ok ? base.corednsPods.value : []) {
      p.status = {
        ...p.status,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }],
        containerStatuses: [
          {
            name: 'coredns',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-11-26T09:12:06Z' } },
          },
        ],
      };
    }
    return base;
  }

  it('is history when the pod that logged it became Ready after the line (it synced since)', () => {
    const e = withLogs(
      [forbidden({ at: '2026-11-26T09:20:33Z', source: `kube-system/${POD}` })],
      readySince('2026-11-26T09:21:04Z'),
    );
    expect(check.run(e)).toEqual([]);
  });

  it('still fires when the pod was Ready before the line (its cache goes stale, a restart will not sync)', () => {
    const e = withLogs(
      [forbidden({ at: '2026-11-26T09:20:33Z', source: `kube-system/${POD}` })],
      readySince('2026-11-26T09:12:20Z'),
    );
    expect(check.run(e)[0]?.checkId).toBe('coredns.rbac-endpointslices');
  });
});
