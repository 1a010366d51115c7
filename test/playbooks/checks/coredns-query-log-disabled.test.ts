import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-query-log-disabled.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Corefile } from '../../../playbooks/parsers/corefile-types.js';
import {
  emptyLogSummary,
  healthyEvidence,
  KUBEADM_COREFILE_TEXT,
  kubeadmCorefile,
} from '../../fixtures/evidence.js';

function withCorefile(change: (c: Corefile) => void, base = healthyEvidence()): Evidence {
  const parsed = kubeadmCorefile();
  change(parsed);
  return { ...base, corefile: seen({ text: KUBEADM_COREFILE_TEXT, parsed, source: 'kube-system/coredns' }) };
}

describe('coredns.query-log-disabled', () => {
  it('notes (info only) that the kubeadm default has no log, with enable, rerun and disable commands', () => {
    const [f, ...rest] = check.run(healthyEvidence());

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.query-log-disabled');
    expect(f?.severity).toBe('info');
    expect(f?.title).toBe('CoreDNS query log is off (no `log` plugin in ConfigMap kube-system/coredns)');
    expect(f?.evidence[0]).toEqual({
      source: 'Corefile (ConfigMap kube-system/coredns)',
      text: '1 server blocks, no log directive',
    });
    expect(f?.remedies[0]?.commands).toEqual([
      "kubectl -n kube-system get configmap coredns -o yaml | sed 's/^\\(\\s*\\)errors$/\\1errors\\n\\1log/' | kubectl apply -f -",
      'kubectl -n kube-system logs -l k8s-app=kube-dns --since=5m --timestamps | grep plugin/reload',
      'dnsmedic diagnose shop/web-7d9f',
      "kubectl -n kube-system get configmap coredns -o yaml | sed '/^\\s*log$/d' | kubectl apply -f -",
    ]);
    expect(f?.weight).toBe(0.1);
  });

  it('goes through coredns-custom when the Corefile imports custom overrides (AKS)', () => {
    const [f] = check.run(withCorefile((c) => c.imports.push('custom/*.override')));
    expect(f?.severity).toBe('info');
    expect(f?.remedies[0]?.commands[0]).toBe(
      `kubectl -n kube-system patch configmap coredns-custom --type=merge -p '{"data":{"log.override":"log"}}'`,
    );
  });

  it('falls back to editing the ConfigMap when there is no bare errors line', () => {
    const [f] = check.run(withCorefile((c) => c.servers[0]?.directives.splice(0, 1)));
    expect(f?.remedies[0]?.commands[0]).toBe('kubectl -n kube-system edit configmap coredns');
  });

  it.each([
    [
      'the Corefile has a log line',
      withCorefile((c) => c.servers[0]?.directives.push({ name: 'log', args: [], block: [], line: 20 })),
    ],
    [
      'query lines show up in the log (log came in through an import)',
      { ...healthyEvidence(), corednsLogs: seen(emptyLogSummary({ queryLogSeen: true, queries: 50 })) },
    ],
  ])('says nothing when %s', (_, e) => {
    expect(check.run(e)).toEqual([]);
  });

  it.each([
    ['unseen', unseen('configmaps is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the Corefile is %s', (_, corefile) => {
    expect(check.run({ ...healthyEvidence(), corefile } as Evidence)).toEqual([]);
  });
});
