import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-corefile-parse-error.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { corednsPod, emptyLogSummary, healthyEvidence } from '../../fixtures/evidence.js';

const A = 'coredns-5d78c9869d-abcde';
const B = 'coredns-5d78c9869d-fghij';
const LINE = "/etc/coredns/Corefile:6 - Error during parsing: Unknown directive 'ready'";

function parseError(over: Partial<LogEvent> = {}): LogEvent {
  return { kind: 'parse-error', lineNo: 2, line: LINE, detail: 'ready', source: `kube-system/${A}`, ...over };
}

function crashLooping(): Pod {
  const p = corednsPod(A, 'node-b', '10.244.2.3');
  p.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      { name: 'coredns', ready: false, restartCount: 9, state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
  };
  return p;
}

/** Ready pods whose running containers started at `startedAt`. */
function readyPods(startedAt: string): Pod[] {
  return [A, B].map((name) => {
    const p = corednsPod(name, 'node-b', '10.244.2.3');
    p.status = {
      ...p.status,
      containerStatuses: [
        { name: 'coredns', ready: true, restartCount: 1, state: { running: { startedAt } } },
      ],
    };
    return p;
  });
}

function withLogs(evs: LogEvent[], pods: Pod[] = [crashLooping()]): Evidence {
  return {
    ...healthyEvidence(),
    corednsPods: seen(pods),
    corednsLogs: seen(emptyLogSummary({ events: evs })),
  };
}

describe('coredns.corefile-parse-error', () => {
  it('fires critical for crash-looping pods whose logs hold the parse error', () => {
    const [f, ...rest] = check.run(withLogs([parseError({ at: '2026-11-26T09:59:00Z' })]));

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.corefile-parse-error');
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe(
      "Corefile in ConfigMap kube-system/coredns does not parse: unknown directive 'ready'",
    );
    expect(f?.evidence[0]).toEqual({
      source: `logs of kube-system/${A}, line 2`,
      text: LINE,
      at: '2026-11-26T09:59:00Z',
    });
    expect(f?.evidence).toContainEqual({
      source: 'Corefile line 6 (ConfigMap kube-system/coredns)',
      text: 'ready',
    });
    expect(f?.detail).toContain('1.5.0');
    expect(f?.remedies[0]?.summary).toContain('Corefile line 6');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit configmap coredns');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system rollout restart deployment coredns');
    expect(f?.weight).toBe(0.9);
  });

  it('warns when the pods still run an older Corefile but this one fails to parse', () => {
    const [f] = check.run(
      withLogs([parseError({ at: '2026-11-26T09:59:00Z' })], readyPods('2026-11-26T08:00:00Z')),
    );

    expect(f?.severity).toBe('warning');
    expect(f?.weight).toBe(0.5);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'the line predates the containers now running, all Ready',
      [parseError({ at: '2026-11-20T09:00:00Z' })],
      readyPods('2026-11-20T09:05:00Z'),
    ],
    [
      'a later successful reload in the same log',
      [
        parseError(),
        {
          kind: 'reload-ok',
          lineNo: 9,
          line: '[INFO] plugin/reload: Running configuration SHA512 = 9f0c',
          source: `kube-system/${A}`,
        },
      ],
      [crashLooping()],
    ],
  ] as [string, LogEvent[], Pod[]][])('does not fire when %s', (_, evs, pods) => {
    expect(check.run(withLogs(evs, pods))).toEqual([]);
  });

  it('keeps untrusted log text short and on one line', () => {
    const line = `${LINE}\u001b[31m\n${'x'.repeat(1000)}`;
    const [f] = check.run(withLogs([parseError({ line, detail: 'evil`name with spaces' })]));

    expect(f?.evidence[0]?.text.length).toBeLessThanOrEqual(300);
    expect(f?.evidence[0]?.text).not.toMatch(/[\n\u001b]/);
    expect(f?.title).not.toContain('evil');
  });

  it.each([
    ['unseen', { corednsLogs: unseen('pods/log is forbidden') }],
    ['absent', { corednsLogs: undefined, corednsPods: undefined, corefile: undefined }],
  ])('stays quiet when the logs are %s', (_, over) => {
    expect(check.run({ ...healthyEvidence(), ...over })).toEqual([]);
  });
});

describe('coredns.corefile-parse-error, where the line is and what replaces the plugin', () => {
  it('names the imported coredns-custom file and says to replace `proxy` with `forward`, not to upgrade', () => {
    const line = "/etc/coredns/custom/corp.server:4 - Error during parsing: Unknown directive 'proxy'";
    const [f] = check.run(withLogs([parseError({ line, detail: 'proxy', at: '2026-11-26T09:59:00Z' })]));

    expect(f?.title).toBe(
      "Corefile in ConfigMap kube-system/coredns-custom does not parse: unknown directive 'proxy'",
    );
    expect(f?.detail).toContain('removed from CoreDNS in 1.5.0');
    expect(f?.detail).toContain('/etc/coredns/custom/corp.server');
    expect(f?.remedies).toHaveLength(1);
    expect(f?.remedies[0]?.summary).toContain('/etc/coredns/custom/corp.server line 4');
    expect(f?.remedies[0]?.summary).toContain('with `forward`');
    expect(f?.remedies[0]?.commands).toContain('kubectl -n kube-system edit configmap coredns-custom');
  });
});
