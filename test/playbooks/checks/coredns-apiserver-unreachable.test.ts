import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-apiserver-unreachable.js';
import type { LogEvent, MinuteBucket } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { corednsPod, emptyLogSummary, healthyEvidence, probe } from '../../fixtures/evidence.js';

const POD = 'coredns-5d78c9869d-abcde';
const WATCH =
  'E1126 09:58:30.297602       1 reflector.go:178] pkg/mod/k8s.io/client-go@v0.18.3/tools/cache/reflector.go:125: Failed to list *v1.Service: Get "https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: connection refused';

function watchError(over: Partial<LogEvent> = {}): LogEvent {
  return {
    kind: 'api-unreachable',
    lineNo: 7,
    line: WATCH,
    source: `kube-system/${POD}`,
    at: '2026-11-26T09:58:30Z',
    ...over,
  };
}

function withLogs(evs: LogEvent[], minutes: MinuteBucket[] = [], base = healthyEvidence()): Evidence {
  return { ...base, corednsLogs: seen(emptyLogSummary({ events: evs, minutes })) };
}

function failingProbes(base = healthyEvidence()): Evidence {
  return {
    ...base,
    clientProbes: seen({
      where: 'probe-pod',
      node: 'node-a',
      results: [
        probe({
          hop: 'dns-service',
          server: '10.96.0.10:53',
          answered: 14,
          timeouts: 6,
          rcodes: { NOERROR: 14 },
        }),
      ],
    }),
  };
}

describe('coredns.apiserver-unreachable', () => {
  it('fires critical when queries failed in the same minute, with a connectivity test from the pod', () => {
    const [f, ...rest] = check.run(
      withLogs([watchError()], [{ minute: '2026-11-26T09:58', ok: 40, failed: 12 }]),
    );

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.apiserver-unreachable');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe(`CoreDNS pod ${POD} cannot reach the API server at 10.96.0.1:443`);
    expect(f?.evidence[0]?.text).toBe(WATCH);
    expect(f?.evidence).toContainEqual({
      source: 'CoreDNS query log, minute 2026-11-26T09:58',
      text: '40 answered, 12 failed',
    });
    expect(f?.remedies[0]?.commands).toContain(
      `kubectl -n kube-system debug -it ${POD} --image=busybox --target=coredns -- nc -zv -w 3 10.96.0.1 443`,
    );
    expect(f?.weight).toBe(0.7);
  });

  it('fires critical when probes fail now and the outage is recent', () => {
    const [f] = check.run(withLogs([watchError()], [], failingProbes()));
    expect(f?.severity).toBe('critical');
    expect(f?.evidence.some((x) => x.source.startsWith('probe 10.96.0.10:53'))).toBe(true);
  });

  it.each([
    [
      'no minutes and no probes',
      withLogs([watchError()], [], {
        ...healthyEvidence(),
        clientProbes: undefined,
        corednsSideProbes: undefined,
      }),
    ],
    [
      'probes fail now but the outage was hours ago',
      withLogs([watchError({ at: '2026-11-26T06:00:00Z' })], [], failingProbes()),
    ],
  ])('only warns (weight 0.3) with %s', (_, e) => {
    const [f] = check.run(e);
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.3);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'the query log answered fine in that minute',
      withLogs([watchError()], [{ minute: '2026-11-26T09:58:00Z', ok: 120, failed: 0 }], failingProbes()),
    ],
    ['the probes are clean', withLogs([watchError()])],
    ['the probes are clean and the line has no time', withLogs([watchError({ at: undefined })])],
  ])('does not fire when %s (the guide: not the root cause)', (_, e) => {
    expect(check.run(e)).toEqual([]);
  });

  it.each([
    ['unseen', unseen('pods/log is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the logs are %s', (_, corednsLogs) => {
    expect(check.run({ ...healthyEvidence(), corednsLogs })).toEqual([]);
  });

  it('counts the failed calls from the summary total, not the capped list of kept lines', () => {
    const logs = emptyLogSummary({
      events: [watchError({ lineNo: 3 }), watchError()],
      eventsDropped: 118,
      eventCounts: { 'api-unreachable': 120 },
      minutes: [{ minute: '2026-11-26T09:58', ok: 40, failed: 12 }],
    });

    const [f] = check.run({ ...healthyEvidence(), corednsLogs: seen(logs) });

    expect(f?.detail).toContain('CoreDNS logged 120 failed watch/list calls');
  });

  it('says "or more" when lines were dropped and the summary kept no total', () => {
    const logs = emptyLogSummary({
      events: [watchError({ lineNo: 3 }), watchError()],
      eventsDropped: 30,
      minutes: [{ minute: '2026-11-26T09:58', ok: 40, failed: 12 }],
    });

    const [f] = check.run({ ...healthyEvidence(), corednsLogs: seen(logs) });

    expect(f?.detail).toContain('CoreDNS logged 2 or more failed watch/list calls');
  });
});

describe('coredns.apiserver-unreachable, when the pods that logged it are not ready', () => {
  const OTHER = 'coredns-5d78c9869d-fghij';
  const READY_LINE = '[INFO] plugin/ready: Still waiting on: "kubernetes"';

  function unready(name: string, node: string) {
    const p = corednsPod(name, node, '10.244.2.3');
    p.status = { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] };
    return p;
  }

  function withPods(pods: ReturnType<typeof corednsPod>[], evs: LogEvent[]): Evidence {
    // No probes and no query log: before this, nothing said whether DNS failed.
    return {
      ...healthyEvidence(),
      clientProbes: undefined,
      corednsSideProbes: undefined,
      corednsPods: seen(pods),
      corednsLogs: seen(emptyLogSummary({ events: evs })),
    };
  }

  it('is the root cause (critical, 0.9) when no CoreDNS pod is ready', () => {
    const waiting: LogEvent = {
      kind: 'not-ready',
      lineNo: 9,
      line: READY_LINE,
      source: `kube-system/${POD}`,
      at: '2026-11-26T09:59:10Z',
    };
    const [f] = check.run(
      withPods([unready(POD, 'node-b'), unready(OTHER, 'node-c')], [watchError(), waiting]),
    );

    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.detail).toContain('No CoreDNS pod is ready');
    expect(f?.evidence).toContainEqual({
      source: `pod kube-system/${POD}`,
      text: 'not Ready (0/2 CoreDNS pods ready)',
    });
    expect(f?.evidence.some((x) => x.text === READY_LINE)).toBe(true);
  });

  it('only warns when another pod is ready (DNS may have answered)', () => {
    const [f] = check.run(
      withPods([unready(POD, 'node-b'), corednsPod(OTHER, 'node-c', '10.244.3.4')], [watchError()]),
    );
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.3);
  });

  it('does not claim pods that did not log it', () => {
    const [f] = check.run(
      withPods([unready(OTHER, 'node-c')], [watchError({ source: 'kube-system/coredns-gone-zzzzz' })]),
    );
    expect(f?.weight).toBe(0.3);
  });
});
