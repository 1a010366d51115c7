import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-overloaded.js';
import type { Evidence, PodUsage, ProbeResult } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence, probe } from '../../fixtures/evidence.js';

const A = 'coredns-5d78c9869d-abcde';
const B = 'coredns-5d78c9869d-fghij';
const Mi = 1024 ** 2;

function usage(pod: string, over: Partial<PodUsage>): PodUsage {
  return { pod, cpuMillis: 3, memoryBytes: 20e6, memoryLimitBytes: 170 * Mi, ...over };
}

const atCpuLimit = [
  usage(A, { cpuMillis: 980, cpuLimitMillis: 1000 }),
  usage(B, { cpuMillis: 995, cpuLimitMillis: 1000, throttled: 0.4 }),
];

const timeouts = probe({
  hop: 'dns-service',
  server: '10.96.0.10:53',
  answered: 15,
  timeouts: 5,
  rcodes: { NOERROR: 15 },
});
const slow = probe({
  hop: 'dns-service',
  server: '10.96.0.10:53',
  latencyMs: { p50: 300, p95: 900, max: 1800 },
});
const truncatedOnly = probe({ hop: 'dns-service', server: '10.96.0.10:53', truncated: 20 });

function scenario(pods: PodUsage[], probes: ProbeResult[], base = healthyEvidence()): Evidence {
  return {
    ...base,
    corednsUsage: seen(pods),
    clientProbes: seen({ where: 'probe-pod', node: 'node-a', results: probes }),
  };
}

describe('coredns.overloaded', () => {
  it('fires critical when every pod is at its CPU limit and lookups time out', () => {
    const [f, ...rest] = check.run(scenario(atCpuLimit, [timeouts]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.overloaded');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toContain(A);
    expect(f?.evidence).toContainEqual({
      source: `metrics of pod kube-system/${A}`,
      text: 'CPU 980m of 1000m limit',
    });
    expect(f?.evidence).toContainEqual({
      source: `metrics of pod kube-system/${B}`,
      text: 'CPU 995m of 1000m limit, CPU throttled 40% of periods',
    });
    expect(
      f?.evidence.some(
        (x) => x.source === 'probe 10.96.0.10:53 (client side, dns-service)' && x.text.includes('5 timeouts'),
      ),
    ).toBe(true);
    const commands = f?.remedies.flatMap((r) => r.commands) ?? [];
    expect(commands).toContain('kubectl -n kube-system scale deployment coredns --replicas=4');
    expect(
      commands.some(
        (c) => c.includes('s/__PILLAR__DNS__SERVER__/10.96.0.10/g') && c.includes('cluster.local'),
      ),
    ).toBe(true);
    expect(commands).toContain(
      'kubectl -n kube-system set resources deployment coredns -c coredns --limits=cpu=2000m',
    );
    expect(f?.weight).toBe(0.6);
  });

  it('warns when answers are only slow', () => {
    const [f] = check.run(scenario(atCpuLimit, [slow]));
    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain('while DNS is slow');
  });

  it('reads memory near its limit with SERVFAILs in the query log', () => {
    const e = scenario([usage(A, { memoryBytes: 165 * Mi }), usage(B, {})], []);
    e.corednsLogs = seen(
      emptyLogSummary({ byRcode: { SERVFAIL: { cluster: 0, 'search-expansion': 0, external: 37 } } }),
    );
    const [f] = check.run(e);

    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toContainEqual({
      source: `metrics of pod kube-system/${A}`,
      text: 'memory 165Mi of 170Mi limit',
    });
    expect(f?.evidence).toContainEqual({ source: 'CoreDNS query log', text: '37 SERVFAIL answers' });
    expect(f?.weight).toBe(0.4);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'no limit is set, however busy',
      [usage(A, { cpuMillis: 1900 }), usage(B, { cpuMillis: 1800 })],
      [timeouts],
    ],
    [
      'pods are at their limit but every answer is quick',
      atCpuLimit,
      [probe({ hop: 'dns-service', server: '10.96.0.10:53' })],
    ],
    ['usage is skewed but idle', [usage(A, { cpuMillis: 40 }), usage(B, { cpuMillis: 2 })], [slow]],
    ['the only oddity is a truncated answer retried over TCP', atCpuLimit, [truncatedOnly]],
    [
      'only the upstream hop fails',
      atCpuLimit,
      [probe({ hop: 'upstream', server: '10.0.0.2:53', answered: 0, timeouts: 20, rcodes: {} })],
    ],
  ] as [string, PodUsage[], ProbeResult[]][])('does not fire when %s', (_, pods, probes) => {
    expect(check.run(scenario(pods, probes))).toEqual([]);
  });

  it.each([
    ['usage is unseen', { corednsUsage: unseen('metrics.k8s.io unavailable') }],
    ['usage is absent', { corednsUsage: undefined }],
    [
      'probes and logs are unseen',
      {
        corednsUsage: seen(atCpuLimit),
        clientProbes: unseen('x'),
        corednsSideProbes: undefined,
        corednsLogs: unseen('y'),
      },
    ],
  ])('stays quiet when %s', (_, over) => {
    expect(check.run({ ...healthyEvidence(), ...over } as Evidence)).toEqual([]);
  });
});
