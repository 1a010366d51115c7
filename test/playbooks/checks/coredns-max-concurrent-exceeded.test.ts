import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-max-concurrent-exceeded.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence } from '../../fixtures/evidence.js';

const LINE = '[ERROR] plugin/errors: 5 api.example.net. A: concurrent queries exceeded maximum 1000';

function exceeded(over: Partial<LogEvent> = {}): LogEvent {
  return {
    kind: 'max-concurrent',
    lineNo: 81,
    line: LINE,
    source: 'kube-system/coredns-5d78c9869d-abcde',
    at: '2026-11-26T09:57:12Z',
    ...over,
  };
}

function withLogs(evs: LogEvent[], eventsDropped = 0): Evidence {
  return { ...healthyEvidence(), corednsLogs: seen(emptyLogSummary({ events: evs, eventsDropped })) };
}

describe('coredns.max-concurrent-exceeded', () => {
  it('fires critical for a recent overflow, quoting the line and the max_concurrent setting', () => {
    const [f, ...rest] = check.run(withLogs([exceeded({ lineNo: 80 }), exceeded()], 12));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.max-concurrent-exceeded');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain('more than 1000 concurrent');
    expect(f?.evidence[0]).toMatchObject({
      text: LINE,
      source: 'logs of kube-system/coredns-5d78c9869d-abcde, line 81',
    });
    expect(f?.evidence).toContainEqual({
      source: 'Corefile line 14 (ConfigMap kube-system/coredns)',
      text: 'max_concurrent 1000',
    });
    expect(f?.detail).toContain('2 or more lines');
    expect(f?.remedies[0]?.summary).toContain('2000');
    expect(f?.remedies[0]?.commands).toEqual(['kubectl -n kube-system edit configmap coredns']);
    expect(f?.remedies[1]?.commands).toEqual([
      'kubectl -n kube-system scale deployment coredns --replicas=4',
    ]);
    expect(f?.weight).toBe(0.9);
  });

  it("warns for an overflow hours ago: a risk at the next peak, not today's failure", () => {
    const [f] = check.run(withLogs([exceeded({ at: '2026-11-26T03:00:00Z' })]));
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.7);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it('does not take other REFUSED sources for this (no max-concurrent line)', () => {
    const e = withLogs([
      { kind: 'no-healthy-proxies', lineNo: 3, line: '[ERROR] plugin/errors: 2 x. A: no healthy proxies' },
    ]);
    expect(check.run(e)).toEqual([]);
  });

  it.each([
    ['unseen', unseen('pods/log is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the logs are %s', (_, corednsLogs) => {
    expect(check.run({ ...healthyEvidence(), corednsLogs })).toEqual([]);
  });

  it('uses the default of 1000 when the Corefile is unknown', () => {
    const [f] = check.run({ ...withLogs([exceeded({ at: undefined })]), corefile: undefined });
    expect(f?.severity).toBe('critical');
    expect(f?.detail).toContain('1000 (the default)');
  });

  it('counts the overflow lines from the summary total when it has one', () => {
    const logs = emptyLogSummary({
      events: [exceeded({ lineNo: 80 }), exceeded()],
      eventsDropped: 12,
      eventCounts: { 'max-concurrent': 14 },
    });

    const [f] = check.run({ ...healthyEvidence(), corednsLogs: seen(logs) });

    expect(f?.detail).toContain('CoreDNS logged 14 lines');
    expect(f?.detail).not.toContain('or more');
  });
});
