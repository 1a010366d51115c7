import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-reload-failed.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import {
  emptyLogSummary,
  healthyEvidence,
  KUBEADM_COREFILE_TEXT,
  kubeadmCorefile,
} from '../../fixtures/evidence.js';

const POD = 'kube-system/coredns-5d78c9869d-abcde';
const FAILED =
  '[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: plugin/forward: this plugin can only be used once per Server Block';

function failed(over: Partial<LogEvent> = {}): LogEvent {
  return {
    kind: 'reload-failed',
    lineNo: 40,
    line: FAILED,
    source: POD,
    at: '2026-11-26T09:50:00Z',
    ...over,
  };
}

function ok(over: Partial<LogEvent> = {}): LogEvent {
  return {
    kind: 'reload-ok',
    lineNo: 55,
    line: '[INFO] plugin/reload: Running configuration SHA512 = 9f0c',
    source: POD,
    at: '2026-11-26T09:55:00Z',
    ...over,
  };
}

function withLogs(evs: LogEvent[], base = healthyEvidence()): Evidence {
  return { ...base, corednsLogs: seen(emptyLogSummary({ events: evs })) };
}

describe('coredns.reload-failed', () => {
  it('fires when the last reload failed, quoting the line and the plugin written twice', () => {
    const parsed = kubeadmCorefile();
    parsed.servers[0]?.directives.push({ name: 'forward', args: ['.', '8.8.8.8'], block: [], line: 20 });
    const base = {
      ...healthyEvidence(),
      corefile: seen({ text: KUBEADM_COREFILE_TEXT, parsed, source: 'kube-system/coredns' }),
    };
    const [f, ...rest] = check.run(withLogs([ok({ lineNo: 3, at: '2026-11-26T08:00:00Z' }), failed()], base));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.reload-failed');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain('ConfigMap kube-system/coredns');
    expect(f?.evidence[0]).toMatchObject({ source: `logs of ${POD}, line 40`, text: FAILED });
    expect(f?.evidence).toContainEqual({
      source: 'Corefile line 20 (ConfigMap kube-system/coredns)',
      text: 'forward . 8.8.8.8',
    });
    expect(f?.detail).toContain('`forward` twice');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit configmap coredns');
    expect(f?.remedies[0]?.commands).toContain(
      'kubectl -n kube-system logs -l k8s-app=kube-dns --since=5m --timestamps | grep plugin/reload',
    );
    expect(f?.weight).toBe(0.7);
  });

  it('still fires when a different pod reloaded fine afterwards', () => {
    const [f] = check.run(withLogs([failed(), ok({ source: 'kube-system/coredns-5d78c9869d-fghij' })]));
    expect(f?.checkId).toBe('coredns.reload-failed');
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    ['a later reload succeeded (by time)', [failed(), ok()]],
    ['a later reload succeeded (by line, no timestamps)', [failed({ at: undefined }), ok({ at: undefined })]],
    ['only successful reloads', [ok()]],
  ])('does not fire when %s', (_, evs) => {
    expect(check.run(withLogs(evs))).toEqual([]);
  });

  it.each([
    ['unseen', unseen('pods/log is forbidden')],
    ['absent', undefined],
  ])('stays quiet when the logs are %s', (_, corednsLogs) => {
    expect(check.run({ ...healthyEvidence(), corednsLogs, corefile: undefined })).toEqual([]);
  });
});

describe('coredns.reload-failed, with a plugin written twice through coredns-custom', () => {
  it('names the plugin and the imported ConfigMap when the Corefile itself has it once', () => {
    const parsed = kubeadmCorefile();
    parsed.imports = ['/etc/coredns/custom/*.override'];
    const base = {
      ...healthyEvidence(),
      corefile: seen({ text: KUBEADM_COREFILE_TEXT, parsed, source: 'kube-system/coredns' }),
    };
    const line =
      '[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: plugin/hosts: this plugin can only be used once per Server Block';
    const [f] = check.run(withLogs([failed({ line })], base));

    expect(f?.detail).toContain('`hosts` once');
    expect(f?.detail).toContain('ConfigMap kube-system/coredns-custom');
    expect(f?.remedies[0]?.summary).toContain('a second `hosts`');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit configmap coredns-custom');
  });
});
