import { describe, expect, it } from 'vitest';
import { check } from '../../../playbooks/checks/coredns-pods-not-ready.js';
import type { LogEvent } from '../../../playbooks/logs/summary-types.js';
import type { Evidence } from '../../../playbooks/model/evidence.js';
import { seen, unseen } from '../../../playbooks/model/gathered.js';
import type { Pod } from '../../../playbooks/model/k8s.js';
import { corednsPod, emptyLogSummary, healthyEvidence, OBSERVED_AT } from '../../fixtures/evidence.js';

const A = 'coredns-5d78c9869d-abcde';
const B = 'coredns-5d78c9869d-fghij';

function crashLooping(name: string, node: string): Pod {
  const p = corednsPod(name, node, '10.244.2.3');
  p.status = {
    ...p.status,
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [
      {
        name: 'coredns',
        ready: false,
        restartCount: 7,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-26T09:58:00Z' } },
      },
    ],
  };
  return p;
}

/** Running and Ready, last restarted at `at`. */
function restartedAt(name: string, at: string): Pod {
  const p = corednsPod(name, 'node-c', '10.244.3.4');
  p.status = {
    ...p.status,
    containerStatuses: [
      {
        name: 'coredns',
        ready: true,
        restartCount: 4,
        state: { running: { startedAt: at } },
        lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: at } },
      },
    ],
  };
  return p;
}

function withPods(pods: Pod[], observedAt = OBSERVED_AT): Evidence {
  return { ...healthyEvidence(), observedAt, corednsPods: seen(pods) };
}

describe('coredns.pods-not-ready', () => {
  it('fires a warning for one crash-looping pod while another serves, with describe and --previous logs', () => {
    const [f, ...rest] = check.run(
      withPods([crashLooping(A, 'node-b'), corednsPod(B, 'node-c', '10.244.3.4')]),
    );

    expect(rest).toEqual([]);
    expect(f?.checkId).toBe('coredns.pods-not-ready');
    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain(A);
    expect(f?.title).toContain('1/2 ready');
    expect(f?.evidence[0]?.source).toBe(`pod kube-system/${A}`);
    expect(f?.evidence[0]?.text).toContain('waiting=CrashLoopBackOff');
    expect(f?.evidence[0]?.text).toContain('restarts=7');
    expect(f?.remedies[0]?.commands).toEqual([
      `kubectl -n kube-system describe pod ${A}`,
      `kubectl -n kube-system logs ${A} --previous --timestamps --tail=100`,
    ]);
    expect(f?.weight).toBe(0.7);
  });

  it('is critical when no pod is ready', () => {
    const [f] = check.run(withPods([crashLooping(A, 'node-b'), crashLooping(B, 'node-c')]));

    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.9);
    expect(f?.evidence).toHaveLength(2);
  });

  it('flags restarts rising now on a Ready pod, judged against observedAt and not the clock', () => {
    const [f] = check.run(
      withPods(
        [corednsPod(A, 'node-b', '10.244.2.3'), restartedAt(B, '2020-03-01T09:55:00Z')],
        '2020-03-01T10:00:00Z',
      ),
    );

    expect(f?.severity).toBe('warning');
    expect(f?.title).toContain('restarting');
    expect(f?.title).toContain(B);
    expect(f?.weight).toBe(0.5);
  });

  it('says nothing on a healthy cluster', () => {
    expect(check.run(healthyEvidence())).toEqual([]);
  });

  it.each([
    [
      'restarts days ago, Ready since',
      () => [corednsPod(A, 'node-b', '10.244.2.3'), restartedAt(B, '2026-11-19T03:00:00Z')],
    ],
    [
      'an evicted leftover while both replicas serve',
      () => {
        const evicted = corednsPod('coredns-5d78c9869d-old11', 'node-b', '10.244.2.9');
        evicted.status = { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False' }] };
        return [corednsPod(A, 'node-b', '10.244.2.3'), corednsPod(B, 'node-c', '10.244.3.4'), evicted];
      },
    ],
    [
      'a rollout pod created 30 s ago, still creating its container',
      () => {
        const fresh = corednsPod('coredns-7f8c9d-new22', 'node-b', '10.244.2.10');
        fresh.metadata.creationTimestamp = '2026-11-26T09:59:30Z';
        fresh.status = {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'coredns',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        };
        return [corednsPod(A, 'node-b', '10.244.2.3'), fresh];
      },
    ],
  ])('does not fire for %s', (_, pods) => {
    expect(check.run(withPods(pods()))).toEqual([]);
  });

  it.each([
    ['unseen', unseen<Pod[]>('pods is forbidden')],
    ['absent', undefined],
    ['empty (no-pods says so)', seen<Pod[]>([])],
  ])('stays quiet without throwing when the pods are %s', (_, corednsPods) => {
    const e: Evidence = { ...healthyEvidence(), corednsPods };
    expect(check.run(e)).toEqual([]);
  });

  it('copes with pods that carry no status at all', () => {
    const bare: Pod = { metadata: { name: A }, spec: { containers: [] } };
    const [f] = check.run(withPods([bare]));
    expect(f?.severity).toBe('critical');
    expect(f?.evidence[0]?.text).toContain('phase=unknown');
  });
});

describe("coredns.pods-not-ready, when the pods' own logs name the cause", () => {
  const LOOP =
    '[FATAL] plugin/loop: Loop (127.0.0.1:46514 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting.';

  function event(over: Partial<LogEvent>): LogEvent {
    return {
      kind: 'loop',
      lineNo: 5,
      line: LOOP,
      source: `kube-system/${A} (previous)`,
      at: '2026-11-26T09:57:32Z',
      ...over,
    };
  }

  function allDown(evs: LogEvent[]): Evidence {
    return {
      ...withPods([crashLooping(A, 'node-b'), crashLooping(B, 'node-c')]),
      corednsLogs: seen(emptyLogSummary({ events: evs })),
    };
  }

  it.each([
    ['a forwarding loop', event({})],
    [
      'a Corefile that does not parse',
      event({
        kind: 'parse-error',
        line: "/etc/coredns/Corefile:4 - Error during parsing: Unknown directive 'proxy'",
        detail: 'proxy',
      }),
    ],
    [
      'EndpointSlices forbidden',
      event({
        kind: 'api-forbidden',
        line: '[ERROR] plugin/kubernetes: Failed to watch *v1.EndpointSlice: endpointslices.discovery.k8s.io is forbidden',
        detail: 'endpointslices.discovery.k8s.io',
      }),
    ],
    [
      'the API server unreachable',
      event({
        kind: 'api-unreachable',
        line: '[ERROR] plugin/kubernetes: Failed to watch *v1.Service: dial tcp 10.96.0.1:443: i/o timeout',
      }),
    ],
  ])('stays critical but ranks below that cause (%s): the outage is its symptom', (_, ev) => {
    const [f] = check.run(allDown([ev]));

    expect(f?.severity).toBe('critical');
    expect(f?.weight).toBe(0.6);
    expect(f?.detail).toContain('the cause of this');
    expect(f?.evidence.at(-1)?.text).toBe(ev.line);
  });

  it.each([
    [
      'a fatal line no other check explains',
      event({ kind: 'fatal', line: '[FATAL] plugin/x: something else' }),
    ],
    ['a line from a pod that is not among them', event({ source: 'kube-system/coredns-other-zzzzz' })],
    [
      'a parse error a later reload fixed',
      [
        event({
          kind: 'parse-error',
          line: "[ERROR] Restart failed: Corefile:3 - Error during parsing: Unknown directive 'logs'",
        }),
        event({
          kind: 'reload-ok',
          lineNo: 9,
          line: '[INFO] Reloading complete',
          at: '2026-11-26T09:58:00Z',
        }),
      ],
    ],
    [
      'another resource forbidden',
      event({
        kind: 'api-forbidden',
        line: 'Failed to list *v1.Namespace: namespaces is forbidden',
        detail: 'namespaces',
      }),
    ],
  ])('keeps weight 0.9 with %s', (_, evs) => {
    const [f] = check.run(allDown(Array.isArray(evs) ? evs : [evs]));
    expect(f?.weight).toBe(0.9);
  });

  it('leaves the weight of a partial outage alone', () => {
    const e = {
      ...withPods([crashLooping(A, 'node-b'), corednsPod(B, 'node-c', '10.244.3.4')]),
      corednsLogs: seen(emptyLogSummary({ events: [event({})] })),
    };
    expect(check.run(e)[0]?.weight).toBe(0.7);
  });
});
