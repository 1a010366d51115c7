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

  it('reads the limit from the log line when the Corefile is unknown, claiming no default', () => {
    const [f] = check.run({ ...withLogs([exceeded({ at: undefined })]), corefile: undefined });
    expect(f?.severity).toBe('critical');
    expect(f?.detail).toContain('hit max_concurrent 1000');
    expect(f?.detail).not.toContain('default');
  });

  // forward has no default max_concurrent: a line saying 100 while the Corefile holds none (or
  // another value) means the refusing block is elsewhere, e.g. an AKS coredns-custom server block.
  it('takes the limit from the log line, not a default, when the block is in an imported file', () => {
    const line =
      '[ERROR] plugin/errors: 5 sql01.corp.contoso.com. A: concurrent queries exceeded maximum 100';
    const corefile = seen({
      text: '.:53 {\n    errors\n    forward . /etc/resolv.conf\n    import custom/*.override\n}\nimport custom/*.server\n',
      parsed: {
        imports: ['custom/*.override', 'custom/*.server'],
        problems: [],
        servers: [
          {
            keys: [{ zone: '.', port: 53 }],
            line: 1,
            directives: [
              { name: 'errors', args: [], block: [], line: 2 },
              { name: 'forward', args: ['.', '/etc/resolv.conf'], block: [], line: 3 },
              { name: 'import', args: ['custom/*.override'], block: [], line: 4 },
            ],
          },
        ],
      },
      source: 'kube-system/coredns',
    });
    const [f] = check.run({ ...withLogs([exceeded({ line })]), corefile });

    expect(f?.title).toBe(
      'CoreDNS refused queries: more than 100 concurrent forwarded queries (ConfigMap kube-system/coredns-custom, imported by ConfigMap kube-system/coredns)',
    );
    expect(f?.detail).toContain('hit max_concurrent 100,');
    expect(f?.evidence).toHaveLength(1);
    expect(f?.remedies[0]?.summary).toContain('e.g. to 200');
    expect(f?.remedies[0]?.commands).toEqual(['kubectl -n kube-system edit configmap coredns-custom']);
  });

  it('quotes the forward block whose limit the line names', () => {
    const line = '[ERROR] plugin/errors: 5 db.corp.example. A: concurrent queries exceeded maximum 50';
    const e = withLogs([exceeded({ line })]);
    const parsed = healthyEvidence().corefile;
    if (!parsed?.ok) throw new Error('fixture has a Corefile');
    const servers = [
      ...parsed.value.parsed.servers,
      {
        keys: [{ zone: 'corp.example.', port: 53 }],
        line: 21,
        directives: [
          {
            name: 'forward',
            args: ['.', '10.1.0.53'],
            line: 22,
            block: [{ name: 'max_concurrent', args: ['50'], block: [], line: 23 }],
          },
        ],
      },
    ];
    const corefile = seen({ ...parsed.value, parsed: { ...parsed.value.parsed, servers } });
    const [f] = check.run({ ...e, corefile });

    expect(f?.title).toContain('more than 50 concurrent');
    expect(f?.evidence[1]).toEqual({
      source: 'Corefile line 23 (ConfigMap kube-system/coredns)',
      text: 'max_concurrent 50',
    });
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
