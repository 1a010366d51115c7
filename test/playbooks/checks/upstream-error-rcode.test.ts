import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/upstream-error-rcode.js';
import type { FailedName, LogEvent, UpstreamErrors } from '../../../playbooks/logs/summary-types.js';
import type { Evidence, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence, OBSERVED_AT, probe } from '../../fixtures/evidence.js';

const SAMPLE =
  '[INFO] 10.8.2.3:50110 - 771 "AAAA IN api.example.net. udp 33 false 512" SERVFAIL qr,rd 33 0.002203s';

function failed(over: Partial<FailedName> = {}): FailedName {
  return {
    name: 'api.example.net.',
    rcode: 'SERVFAIL',
    nameClass: 'external',
    count: 12,
    authoritative: false,
    lastSeen: '2026-11-26T09:58:03.123456Z',
    sample: SAMPLE,
    ...over,
  };
}

function upstreamProbe(over: Partial<ProbeResult> = {}): ProbeResult {
  return probe({
    hop: 'upstream',
    side: 'coredns',
    server: '10.0.0.2:53',
    name: 'api.example.net',
    qtype: 'AAAA',
    ...over,
  });
}

function evidence(
  names: FailedName[],
  side: ProbeResult[] = [],
  logs: { events?: LogEvent[]; upstreamErrors?: UpstreamErrors[] } = {},
): Evidence {
  const base = healthyEvidence();
  return {
    ...base,
    corednsLogs: seen(emptyLogSummary({ failedNames: names, ...logs })),
    corednsSideProbes: seen({ where: 'probe-pod', node: 'node-b', results: side }),
  };
}

describe('upstream.error-rcode', () => {
  it('fires critical with the ticket when the upstream queried directly gives the same code', () => {
    const [f, ...rest] = check.run(evidence([failed()], [upstreamProbe({ rcodes: { SERVFAIL: 20 } })]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('upstream.error-rcode');
    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.title).toBe('Upstream DNS answers SERVFAIL for api.example.net');
    expect(f?.evidence[0]).toEqual({
      source: 'CoreDNS logs',
      text: SAMPLE,
      at: '2026-11-26T09:58:03.123456Z',
    });
    expect(f?.evidence[1]?.text).toContain('SERVFAIL 20');
    expect(f?.remedies[0]?.summary).toBe(
      'Ticket to the DNS provider: domain api.example.net, code SERVFAIL, time 2026-11-26T09:58:03Z, instances i-0bbb2222 i-0ccc3333',
    );
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl debug node/node-b -it --image=nicolaka/netshoot -- dig @10.0.0.2 -p 53 api.example.net AAAA +time=2 +tries=1',
    );
    expect(f?.remedies[1]?.commands).toContain(
      "kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}'",
    );
  });

  it('quotes the first line seen with its own time, and tickets the last time', () => {
    const [f] = check.run(evidence([failed({ firstSeen: '2026-11-26T09:41:17.5Z' })]));

    expect(f?.evidence[0]).toEqual({ source: 'CoreDNS logs', text: SAMPLE, at: '2026-11-26T09:41:17.5Z' });
    expect(f?.remedies[0]?.summary).toContain('time 2026-11-26T09:58:03Z');
  });

  it.each([
    ['a recent log line, no direct probe of the name', '2026-11-26T09:58:03Z', 'critical', 0.7],
    ['a log line from yesterday, no direct probe of the name', '2026-11-25T08:00:00Z', 'warning', 0.5],
  ])('fires on %s', (_, lastSeen, severity, weight) => {
    const [f] = check.run(evidence([failed({ lastSeen, rcode: 'NXDOMAIN' })]));

    expect(f?.severity).toBe(severity);
    expect(f?.weight).toBe(weight);
    expect(f?.remedies[0]?.summary).toContain('code NXDOMAIN');
  });

  it('warns on a client probe of an external name that the logs do not show', () => {
    const e = evidence([]);
    e.clientProbes = seen({
      where: 'probe-pod',
      node: 'node-a',
      results: [
        probe({
          hop: 'dns-service',
          server: '10.96.0.10:53',
          name: 'pay.example.org',
          rcodes: { REFUSED: 20 },
        }),
      ],
    });

    const [f] = check.run(e);

    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
    expect(f?.title).toBe('Upstream DNS answers REFUSED for pay.example.org');
    expect(f?.evidence[0]?.source).toBe('client probe 10.96.0.10:53');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  const timeout =
    '[ERROR] plugin/errors: 2 api.example.net. A: read udp 10.8.0.12:51733->10.0.0.2:53: i/o timeout';
  it.each([
    [
      'NXDOMAIN for a search expansion',
      [
        failed({
          name: 'api.example.net.shop.svc.cluster.local.',
          nameClass: 'search-expansion',
          rcode: 'NXDOMAIN',
        }),
      ],
      [],
      {},
    ],
    [
      'NXDOMAIN under the EC2 search suffix',
      [failed({ name: 'api.example.net.ec2.internal.', rcode: 'NXDOMAIN' })],
      [],
      {},
    ],
    [
      'NXDOMAIN under a compute.internal suffix',
      [failed({ name: 'api.example.net.eu-west-1.compute.internal.', rcode: 'NXDOMAIN' })],
      [],
      {},
    ],
    ['an answer CoreDNS gave itself (aa)', [failed({ authoritative: true })], [], {}],
    [
      'REFUSED from max_concurrent',
      [failed({ rcode: 'REFUSED' })],
      [],
      { events: [{ kind: 'max-concurrent', lineNo: 3, line: 'concurrent queries exceeded maximum 1000' }] },
    ],
    [
      'SERVFAIL after upstream timeouts for the name',
      [failed()],
      [],
      { upstreamErrors: [{ upstream: '10.0.0.2:53', timeouts: 9, other: 0, sample: timeout }] },
    ],
    ['an upstream that answers the name fine when asked directly', [failed()], [upstreamProbe()], {}],
    [
      'an upstream that times out (upstream.unreachable)',
      [failed()],
      [upstreamProbe({ answered: 0, rcodes: {}, timeouts: 20 })],
      {},
    ],
    ['a timeout, not an error code', [failed({ rcode: 'TIMEOUT' })], [], {}],
  ] as [string, FailedName[], ProbeResult[], Parameters<typeof evidence>[2]][])(
    'does not fire for %s',
    (_, names, side, logs) => {
      expect(check.run(evidence(names, side, logs))).toEqual([]);
    },
  );

  it('quotes untrusted names in commands and keeps excerpts short', () => {
    const name = '$(reboot).example.net.';
    const [f] = check.run(evidence([failed({ name, sample: `${SAMPLE}\n${'x'.repeat(900)}` })]));

    expect(f?.evidence[0]?.text.length).toBeLessThanOrEqual(300);
    expect(f?.evidence[0]?.text).not.toContain('\n');
    expect(f?.remedies[0]?.commands.join('\n')).toContain("'$(reboot).example.net'");
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
        clientProbes: undefined,
        corednsSideProbes: undefined,
        corednsNodes: undefined,
      },
    ],
  ])('stays quiet when the evidence is %s', (_, over) => {
    expect(check.run({ ...healthyEvidence(), ...over })).toEqual([]);
  });

  it('never gives the gather time as the time of a log line that had none', () => {
    const [f] = check.run(
      evidence(
        [failed({ lastSeen: undefined, firstSeen: undefined })],
        [upstreamProbe({ rcodes: { SERVFAIL: 20 } })],
      ),
    );
    const text = [f?.title, f?.detail, ...(f?.remedies.map((r) => r.summary) ?? [])].join('\n');

    expect(f?.evidence[0]).toEqual({ source: 'CoreDNS logs', text: SAMPLE });
    expect(text).not.toContain(OBSERVED_AT.slice(0, 16));
    expect(f?.detail).toContain('time not in the log (run kubectl logs with --timestamps)');
    expect(f?.remedies[0]?.summary).toBe(
      'Ticket to the DNS provider: domain api.example.net, code SERVFAIL, time not in the log (run kubectl logs with --timestamps), instances i-0bbb2222 i-0ccc3333',
    );
  });
});
