import { describe, expect, it } from 'vitest';
import {
  eventCount,
  eventCountText,
  events,
  reloadLogCommand,
} from '../../../playbooks/checks/support-coredns.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import { emptyLogSummary, healthyEvidence } from '../../fixtures/evidence.js';

const ev = (lineNo: number): LogEvent => ({ kind: 'api-unreachable', lineNo, line: `line ${lineNo}` });

describe('support-coredns', () => {
  it('counts events by the summary total, not the capped list', () => {
    const logs = emptyLogSummary({
      events: [ev(1), ev(2)],
      eventsDropped: 40,
      eventCounts: { 'api-unreachable': 42 },
    });

    expect(events(logs, 'api-unreachable')).toHaveLength(2);
    expect(eventCount(logs, 'api-unreachable')).toEqual({ n: 42, atLeast: false });
    expect(eventCountText(logs, 'api-unreachable')).toBe('42');
  });

  it('says "or more" when events were dropped and no total was kept', () => {
    const logs = emptyLogSummary({ events: [ev(1), ev(2)], eventsDropped: 5 });
    expect(eventCountText(logs, 'api-unreachable')).toBe('2 or more');
    expect(eventCountText(emptyLogSummary({ events: [ev(1)] }), 'api-unreachable')).toBe('1');
    expect(eventCountText(undefined, 'loop')).toBe('0');
  });

  it('checks the reload in the CoreDNS namespace, by the DNS pods selector', () => {
    expect(reloadLogCommand(healthyEvidence())).toBe(
      'kubectl -n kube-system logs -l k8s-app=kube-dns --since=5m --timestamps | grep plugin/reload',
    );
  });
});
