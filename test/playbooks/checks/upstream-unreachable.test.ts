import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/upstream-unreachable.js';
import type { UpstreamErrors } from '../../../playbooks/logs/summary-types.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence, probe } from '../../fixtures/evidence.js';

const LINE =
  '[ERROR] plugin/errors: 2 api.example.net. A: read udp 10.8.0.12:51733->192.0.2.53:53: i/o timeout';
const HINFO =
  '[ERROR] plugin/errors: 2 1234567890.987654321. HINFO: read udp 10.8.0.12:48557->192.0.2.53:53: i/o timeout';

function errors(over: Partial<UpstreamErrors> = {}): UpstreamErrors {
  return {
    upstream: '192.0.2.53:53',
    timeouts: 40,
    other: 0,
    firstSeen: '2026-11-26T09:50:00Z',
    lastSeen: '2026-11-26T09:59:10Z',
    sample: LINE,
    ...over,
  };
}

function direct(over: Partial<ProbeResult> = {}): ProbeResult {
  return probe({ hop: 'upstream', side: 'coredns', server: '192.0.2.53:53', name: 'example.com', ...over });
}

const SILENT = { answered: 0, rcodes: {}, timeouts: 20 };

function evidence(logged: UpstreamErrors[], side: ProbeResult[] = []): Evidence {
  return {
    ...healthyEvidence(),
    corednsLogs: seen(
      emptyLogSummary({
        upstreamErrors: logged,
        noResponse: { cluster: 0, 'search-expansion': 0, external: 31 },
      }),
    ),
    corednsSideProbes: seen({ where: 'probe-pod', node: 'node-b', results: side }),
  };
}

describe('upstream.unreachable', () => {
  it('fires critical when the errors plugin and a direct probe from a CoreDNS node both time out', () => {
    const [f, ...rest] = check.run(evidence([errors()], [direct(SILENT)]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('upstream.unreachable');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.title).toBe('CoreDNS cannot reach upstream DNS 192.0.2.53:53');
    // The sample is the first timeout line: quoted with its own time, not the last one's.
    expect(f?.evidence[0]).toEqual({
      source: 'CoreDNS logs (errors plugin)',
      text: LINE,
      at: '2026-11-26T09:50:00Z',
    });
    expect(f?.evidence).toContainEqual({
      source: 'CoreDNS query log',
      text: '31 external queries got no response',
    });
    expect(
      f?.evidence.some((x) => x.source === 'direct probe from node-b' && x.text.includes('20 timeouts')),
    ).toBe(true);
    expect(f?.remedies[0]?.commands).toEqual([
      'kubectl debug node/node-b -it --image=nicolaka/netshoot -- dig @192.0.2.53 -p 53 api.example.net. A +time=2 +tries=1',
      'kubectl debug node/node-b -it --image=nicolaka/netshoot -- dig @192.0.2.53 -p 53 api.example.net. A +tcp +time=2 +tries=1',
    ]);
    expect(f?.remedies[1]?.summary).toContain('2026-11-26T09:50:00Z to 2026-11-26T09:59:10Z');
    expect(f?.remedies[1]?.summary).toContain('i-0bbb2222 i-0ccc3333');
  });

  it.each([
    ['recent timeouts, no direct probe of that upstream', [errors()], [], 'critical', 0.7],
    [
      'old timeouts, no direct probe of that upstream',
      [errors({ lastSeen: '2026-11-25T10:00:00Z' })],
      [],
      'warning',
      0.3,
    ],
    ['recent timeouts, upstream answering now (intermittent)', [errors()], [direct()], 'warning', 0.3],
    ['no log line, a direct probe that never got an answer', [], [direct(SILENT)], 'warning', 0.5],
  ] as [string, UpstreamErrors[], ProbeResult[], string, number][])(
    'grades %s',
    (_, logged, side, severity, weight) => {
      const [f] = check.run(evidence(logged, side));

      expect(f?.severity).toBe(severity);
      expect(f?.weight).toBe(weight);
    },
  );

  it("digs the root for loop's random HINFO name", () => {
    const [f] = check.run(evidence([errors({ sample: HINFO })]));

    expect(f?.remedies[0]?.commands[0]).toContain('dig @192.0.2.53 -p 53 . A');
  });

  // Resolvers that ignore HINFO for random names time out on the loop plugin's start-up probe
  // only: a healthy cluster (scenario upstream-unreachable-near-miss).
  const startupProbe = errors({
    sample: HINFO,
    timeouts: 4,
    firstSeen: '2026-11-20T07:41:07.51Z',
    lastSeen: '2026-11-20T07:41:29.88Z',
  });

  it("does not fire when only loop's start-up HINFO probe timed out", () => {
    expect(check.run(evidence([startupProbe]))).toEqual([]);
  });

  it('still fires for the start-up probe when a direct query from a CoreDNS node times out', () => {
    const [f] = check.run(evidence([startupProbe], [direct(SILENT)]));
    expect(f?.severity).toBe('critical');
  });

  it('still fires when timeouts go on after the start-up window', () => {
    const [f] = check.run(evidence([{ ...startupProbe, lastSeen: '2026-11-20T07:44:02Z' }]));
    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.3);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'startup timeouts from yesterday and an upstream that answers now',
      [errors({ lastSeen: '2026-11-25T10:00:00Z' })],
      [direct()],
    ],
    ['errors that are not timeouts', [errors({ timeouts: 0, other: 5 })], []],
  ] as [string, UpstreamErrors[], ProbeResult[]][])('does not fire for %s', (_, logged, side) => {
    expect(check.run(evidence(logged, side))).toEqual([]);
  });

  it.each([
    [
      'unseen',
      { corednsLogs: unseen('pods/log is forbidden'), corednsSideProbes: unseen('probe pod refused') },
    ],
    [
      'absent',
      {
        corednsLogs: undefined,
        corednsSideProbes: undefined,
        corednsPods: undefined,
        corednsNodes: undefined,
      },
    ],
  ])('stays quiet when the evidence is %s', (_, over) => {
    expect(check.run({ ...healthyEvidence(), ...over })).toEqual([]);
  });

  it('still gives a runnable command when no CoreDNS node is known', () => {
    const e = {
      ...evidence([errors()]),
      corednsSideProbes: undefined,
      corednsPods: undefined,
      corednsNodes: undefined,
    };

    const [f] = check.run(e);

    // The node of the first CoreDNS pod is looked up in the command itself; UDP, then TCP.
    const findNode =
      "$(kubectl -n kube-system get pods -l k8s-app=kube-dns -o jsonpath='{.items[0].spec.nodeName}')";
    expect(f?.remedies[0]?.commands[0]).toBe(
      `kubectl debug node/${findNode} -it --image=nicolaka/netshoot -- dig @192.0.2.53 -p 53 api.example.net. A +time=2 +tries=1`,
    );
    expect(f?.remedies[0]?.commands[1]).toContain('A +tcp +time=2 +tries=1');
    expect(f?.remedies[1]?.summary).not.toMatch(/<|>/);
  });

  it('says the log had no times instead of leaving the ticket without one', () => {
    const [f] = check.run(
      evidence([errors({ firstSeen: undefined, lastSeen: undefined })], [direct(SILENT)]),
    );

    expect(f?.remedies[1]?.summary).toContain(
      'timeouts, time not in the log (run kubectl logs with --timestamps), instances',
    );
    expect(f?.evidence[0]).not.toHaveProperty('at');
  });
});
