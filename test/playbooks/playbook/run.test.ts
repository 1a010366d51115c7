import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../playbooks/checks/index.js';
import type { Check } from '../../../playbooks/model/check.js';
import type { Finding } from '../../../playbooks/model/finding.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import { chooseVerdict, runPlaybook } from '../../../playbooks/playbook/run.js';
import { STEPS } from '../../../playbooks/playbook/steps.js';
import { emptyLogSummary, healthyEvidence, withEvidence } from '../../fixtures/evidence.js';

const LOOP_LINE = '[FATAL] plugin/loop: Loop (127.0.0.1:51384 -> :53) detected for zone "."';

describe('runPlaybook', () => {
  it('calls a healthy cluster healthy, with every applicable step ok', () => {
    const report = runPlaybook(healthyEvidence(), { checks: CHECKS });
    expect(report.verdict.checkId).toBe('dns.healthy');
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    const status = Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
    expect(status).toMatchObject({
      'pod-config': 'ok',
      'coredns-status': 'ok',
      'coredns-logs': 'ok',
      connectivity: 'ok',
    });
    expect(status.names).toBe('skipped');
    expect(status.nodelocal).toBe('skipped');
  });

  it('names the finding that best explains the failure as the verdict', () => {
    const logs = emptyLogSummary({
      lines: 3,
      events: [{ kind: 'loop', lineNo: 3, line: LOOP_LINE, detail: '127.0.0.1:51384 -> :53' }],
    });
    // Logs only, as `dnsmedic logs` sees them: no pod status says the line is history.
    const report = runPlaybook(
      { target: {}, observedAt: '2026-11-26T10:00:00Z', corednsLogs: seen(logs) },
      { checks: CHECKS },
    );
    expect(report.verdict.checkId).toBe('coredns.loop-detected');
    expect(report.steps.find((s) => s.id === 'coredns-logs')?.status).toBe('failed');
    expect(report.findings[0]?.checkId).toBe('coredns.loop-detected');
  });

  it('never makes an advisory the verdict', () => {
    const e = healthyEvidence();
    e.clusterDns = seen({ ...(e.clusterDns?.ok ? e.clusterDns.value : ({} as never)), provider: 'kube-dns' });
    const report = runPlaybook(e, { checks: CHECKS });
    expect(report.findings.some((f) => f.checkId === 'dns.provider-kube-dns')).toBe(true);
    expect(report.verdict.checkId).toBe('dns.healthy');
  });

  it('reports a step it could not see as inconclusive, naming the rule that would allow it', () => {
    const rule = { verb: 'get', resource: 'pods/log', apiGroup: '', namespace: 'kube-system' };
    const e = withEvidence('corednsLogs', unseen('forbidden', rule));
    const report = runPlaybook(e, { checks: CHECKS });
    const step = report.steps.find((s) => s.id === 'coredns-logs');
    expect(step?.status).toBe('inconclusive');
    expect(step?.reason).toContain('get pods/log (API group core) in namespace kube-system');
    expect(report.verdict.checkId).toBe('check.inconclusive');
    expect(report.steps.find((s) => s.id === 'coredns-status')?.status).toBe('ok');
  });

  it('skips what was not gathered in this mode instead of calling it inconclusive', () => {
    const report = runPlaybook(
      { target: {}, observedAt: '2026-11-26T10:00:00Z', corednsLogs: seen(emptyLogSummary({ lines: 5 })) },
      { checks: CHECKS },
    );
    expect(report.verdict.checkId).toBe('dns.healthy');
    expect(report.steps.find((s) => s.id === 'pod-config')?.status).toBe('skipped');
    expect(report.steps.find((s) => s.id === 'coredns-logs')?.status).toBe('ok');
  });

  it('keeps going when a check throws, marking its step inconclusive', () => {
    const broken: Check = {
      id: 'coredns.no-pods',
      needs: [],
      run: () => {
        throw new Error('boom');
      },
    };
    const checks = CHECKS.map((c) => (c.id === 'coredns.no-pods' ? broken : c));
    const report = runPlaybook(healthyEvidence(), { checks });
    const step = report.steps.find((s) => s.id === 'coredns-status');
    expect(step?.status).toBe('inconclusive');
    expect(step?.reason).toContain('internal error in check: boom');
    expect(report.steps.find((s) => s.id === 'pod-config')?.status).toBe('ok');
  });

  it('runs every catalog check in exactly one step', () => {
    const inSteps = STEPS.flatMap((s) => s.checks);
    expect([...inSteps].sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it('drafts a ticket with the guide fields', () => {
    const logs = emptyLogSummary({
      lines: 10,
      failedNames: [
        {
          name: 'www.aliyun.com.',
          rcode: 'SERVFAIL',
          nameClass: 'external',
          count: 4,
          authoritative: false,
          sample: 's',
          lastSeen: '2026-11-26T09:58:03.123Z',
        },
      ],
    });
    const report = runPlaybook(withEvidence('corednsLogs', seen(logs)), { checks: CHECKS });
    const fields = Object.fromEntries(report.ticket.fields.map((f) => [f.label, f.value]));
    expect(fields['Domain name']).toBe('www.aliyun.com');
    expect(fields['DNS response code']).toBe('SERVFAIL');
    expect(fields.Time).toBe('2026-11-26 09:58:03 UTC');
    expect(fields['Instance IDs of the nodes running CoreDNS']).toBe('i-0bbb2222 i-0ccc3333');
  });
});

describe('chooseVerdict and the asked name', () => {
  const finding = (checkId: Finding['checkId'], severity: Finding['severity'], weight: number): Finding => ({
    checkId,
    severity,
    title: checkId,
    detail: `${checkId} detail.`,
    evidence: [],
    remedies: [],
    weight,
  });
  const upstream = finding('upstream.unreachable', 'critical', 0.9);
  const conntrack = finding('node.conntrack-full', 'critical', 0.8);

  it('for a cluster name, a fault that touches only external names ranks after one that can explain it', () => {
    const v = chooseVerdict([upstream, conntrack], [], {
      name: 'cart.shop.svc.cluster.local',
      kind: 'cluster',
    });
    expect(v.checkId).toBe('node.conntrack-full');
    expect(v.why).toContain(
      'upstream.unreachable touches only external names, and cart.shop.svc.cluster.local is a cluster name.',
    );
  });

  it('for an external name, or no name, severity and weight decide as before', () => {
    expect(
      chooseVerdict([upstream, conntrack], [], { name: 'api.example.com', kind: 'external' }).checkId,
    ).toBe('upstream.unreachable');
    expect(chooseVerdict([upstream, conntrack], []).checkId).toBe('upstream.unreachable');
  });

  it('an upstream fault alone is still the verdict for a cluster name: nothing else explains it', () => {
    expect(chooseVerdict([upstream], [], { name: 'cart', kind: 'cluster' }).checkId).toBe(
      'upstream.unreachable',
    );
  });
});
