import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../playbooks/catalog.js';
import { CHECKS } from '../../../playbooks/checks/index.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { emptyLogSummary, healthyEvidence, probe } from '../../fixtures/evidence.js';

/** Evidence that breaks many things at once, so most checks produce findings with remedies. */
function brokenEverywhere(): Evidence {
  const e = healthyEvidence();
  const pods = e.corednsPods?.ok ? e.corednsPods.value : [];
  for (const p of pods) {
    p.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'coredns',
          ready: false,
          restartCount: 9,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { reason: 'Error', finishedAt: '2026-11-26T09:59:00Z' } },
        },
      ],
    };
  }
  e.corednsLogs = seen(
    emptyLogSummary({
      lines: 100,
      events: [
        {
          kind: 'loop',
          lineNo: 1,
          line: '[FATAL] plugin/loop: Loop (127.0.0.1:51384 -> :53) detected for zone "."',
          detail: '127.0.0.1:51384 -> :53',
        },
        {
          kind: 'parse-error',
          lineNo: 2,
          line: "/etc/coredns/Corefile:4 - Error during parsing: Unknown directive 'ready'",
          detail: 'ready',
        },
        {
          kind: 'reload-failed',
          lineNo: 3,
          line: '[ERROR] plugin/reload: Corefile changed but reload failed',
        },
        {
          kind: 'api-forbidden',
          lineNo: 4,
          line: '[ERROR] plugin/kubernetes: endpointslices.discovery.k8s.io is forbidden',
          detail: 'endpointslices.discovery.k8s.io',
        },
        {
          kind: 'max-concurrent',
          lineNo: 5,
          line: '[ERROR] plugin/errors: 5 a.example.net. A: concurrent queries exceeded maximum 1000',
        },
      ],
      upstreamErrors: [
        {
          upstream: '10.0.0.2:53',
          timeouts: 40,
          other: 0,
          sample:
            '[ERROR] plugin/errors: 2 a.example.net. A: read udp 10.244.2.3:1->10.0.0.2:53: i/o timeout',
        },
      ],
      failedNames: [
        {
          name: 'api.example.net.',
          rcode: 'SERVFAIL',
          nameClass: 'external',
          count: 30,
          authoritative: false,
          sample: 'x',
          lastSeen: '2026-11-26T09:58:00Z',
        },
      ],
      byRcode: { SERVFAIL: { cluster: 0, 'search-expansion': 0, external: 30 } },
      queryLogSeen: true,
    }),
  );
  e.clientProbes = seen({
    where: 'probe-pod',
    node: 'node-a',
    results: [
      probe({ hop: 'dns-service', server: '10.96.0.10:53', answered: 0, rcodes: {}, timeouts: 20 }),
      probe({
        hop: 'dns-service',
        server: '10.96.0.10:53',
        transport: 'tcp',
        answered: 0,
        rcodes: {},
        timeouts: 20,
      }),
      probe({
        hop: 'coredns-pod',
        server: '10.244.2.3:53',
        answered: 11,
        rcodes: { NOERROR: 11 },
        timeouts: 9,
      }),
    ],
  });
  e.nodeFacts = seen({
    node: 'node-a',
    source: 'prometheus',
    conntrackEntries: 131000,
    conntrackMax: 131072,
    cpuBusy: 0.99,
    kernelLog: ['nf_conntrack: table full, dropping packet'],
  });
  e.kubeProxy = seen({ runsKubeProxy: true, mode: 'ipvs' });
  return e;
}

const evidences: [string, Evidence][] = [
  ['healthy', healthyEvidence()],
  ['broken everywhere', brokenEverywhere()],
  [
    'nothing seen',
    {
      target: { namespace: 'shop', pod: 'web' },
      observedAt: '2026-11-26T10:00:00Z',
      clientPod: unseen('forbidden'),
      corednsPods: unseen('timeout'),
    },
  ],
  ['nothing gathered', { target: {}, observedAt: '2026-11-26T10:00:00Z' }],
];

describe('check registry', () => {
  it('has one check per catalog row, in catalog order, ids unique', () => {
    expect(CHECKS.map((c) => c.id)).toEqual(Object.keys(CATALOG));
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });

  it.each(evidences)('every check runs without throwing on %s evidence', (_name, e) => {
    for (const check of CHECKS) expect(() => check.run(e), check.id).not.toThrow();
  });

  it('healthy evidence gives no cause finding above info', () => {
    const findings = CHECKS.flatMap((c) => c.run(healthyEvidence()));
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('broken evidence gives many findings, each with its own id, resolved remedies and evidence', () => {
    const findings = CHECKS.flatMap((c) => c.run(brokenEverywhere()).map((f) => ({ f, id: c.id })));
    expect(findings.length).toBeGreaterThan(8);
    for (const { f, id } of findings) {
      expect(f.checkId).toBe(id);
      expect(f.weight).toBeGreaterThanOrEqual(0);
      expect(f.weight).toBeLessThanOrEqual(1);
      if (CATALOG[f.checkId].kind === 'advisory') expect(f.severity).toBe('info');
      for (const r of f.remedies) {
        expect(r.summary.length, id).toBeGreaterThan(0);
        for (const cmd of r.commands)
          expect(cmd, id).not.toMatch(/<[a-z][a-z_ -]*>|\{\{|\$\{|undefined|\[object/i);
      }
    }
  });
});
