/**
 * coredns.pods-not-ready: CoreDNS pods that are not Running and Ready, crash-looping, or
 * restarting right now. Queries that reach such a pod (stale endpoints, IPVS entries) fail, and
 * with every pod down all lookups do. Restarts long ago on pods Ready since are history, not a
 * fault. When no pod is ready and their own logs name why (a loop, a Corefile that does not parse,
 * EndpointSlices forbidden, the API server unreachable), that line's finding is the cause and this
 * one its symptom: it ranks below it. Guide: Step 2; "CoreDNS pods are not running as expected".
 */
import type { CheckId } from '../catalog.js';
import type { LogEvent } from '../logs/summary-types.js';
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import { dnsNamespace } from './support/names.js';
import { safeName } from './support/shell.js';
import { clip } from './support/text.js';
import { timeMs } from './support/time.js';
import { finding, isPodReady, waitingReasons } from './support.js';
import { eventExcerpt, events, happenedAfter, podForEvent, restartedRecently } from './support-coredns.js';

const STARTING_MS = 2 * 60_000;
const TERMINAL = new Set(['Succeeded', 'Failed']);

/** A fresh pod of a rollout, not crashed yet: not ready is expected for a moment. */
function justStarting(pod: Pod, observedAt: string): boolean {
  const age = timeMs(observedAt) - timeMs(pod.metadata.creationTimestamp);
  const restarts = (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  const benign = waitingReasons(pod).every((r) => r === 'ContainerCreating' || r === 'PodInitializing');
  return age >= 0 && age < STARTING_MS && restarts === 0 && benign;
}

function describe(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);
  const last = statuses.find((c) => c.lastState?.terminated)?.lastState?.terminated;
  const parts = [
    `phase=${pod.status?.phase ?? 'unknown'}`,
    `ready=${isPodReady(pod)}`,
    ...waitingReasons(pod).map((r) => `waiting=${r}`),
    `restarts=${restarts}`,
    ...(last
      ? [`last exit ${last.reason ?? '?'} (${last.exitCode ?? '?'}) at ${last.finishedAt ?? '?'}`]
      : []),
  ];
  return clip(parts.join(' '));
}

/** Crash and sync lines that have a finding of their own, which names the cause of the pods' state. */
const EXPLAINED_BY: Partial<Record<LogEvent['kind'], CheckId>> = {
  loop: 'coredns.loop-detected',
  'parse-error': 'coredns.corefile-parse-error',
  'api-forbidden': 'coredns.rbac-endpointslices',
  'api-unreachable': 'coredns.apiserver-unreachable',
};

/**
 * The latest line in the logs of the pods not ready that names why they cannot serve, as those
 * checks read it: a parse error a later reload fixed does not count, nor a forbidden resource
 * other than EndpointSlices. A line from no known pod counts only when the logs name no pod at all.
 */
function explanation(e: Evidence, bad: Pod[]): LogEvent | undefined {
  const logs = seenValue(e.corednsLogs);
  const names = new Set(bad.map((p) => p.metadata.name));
  const fixed = events(logs, 'reload-ok');
  return (logs?.events ?? [])
    .filter((ev) => {
      if (!EXPLAINED_BY[ev.kind]) return false;
      if (ev.kind === 'api-forbidden' && !/endpointslices/i.test(`${ev.detail ?? ''} ${ev.line}`))
        return false;
      if (ev.kind === 'parse-error' && fixed.some((ok) => happenedAfter(ok, ev))) return false;
      const pod = podForEvent(e, ev);
      return pod ? names.has(pod.metadata.name) : ev.source === undefined;
    })
    .at(-1);
}

function run(e: Evidence): Finding[] {
  const pods = seenValue(e.corednsPods) ?? [];
  const ready = pods.filter(isPodReady);
  const bad = pods.filter((p) => {
    if (!isPodReady(p)) {
      // Evicted leftovers and fresh rollout pods matter only when nothing else serves.
      if (ready.length > 0 && (TERMINAL.has(p.status?.phase ?? '') || justStarting(p, e.observedAt)))
        return false;
      return true;
    }
    return restartedRecently(p, e.observedAt);
  });
  if (bad.length === 0) return [];

  const ns = dnsNamespace(e);
  const noneReady = ready.length === 0;
  const anyNotReady = bad.some((p) => !isPodReady(p));
  const names = bad.map((p) => p.metadata.name);
  const first = safeName(names[0], 'coredns');
  // With no pod ready the outage is this finding's only when nothing more specific explains it.
  const cause = noneReady ? explanation(e, bad) : undefined;
  const causeId = cause ? EXPLAINED_BY[cause.kind] : undefined;
  const evidence: Excerpt[] = bad.map((p) => ({ source: `pod ${ns}/${p.metadata.name}`, text: describe(p) }));
  if (cause) evidence.push(eventExcerpt(cause));
  return [
    finding('coredns.pods-not-ready', {
      severity: noneReady ? 'critical' : 'warning',
      title: `CoreDNS pod${bad.length > 1 ? 's' : ''} ${clip(names.join(', '), 200)} ${anyNotReady ? 'not ready' : 'restarting'} (${ready.length}/${pods.length} ready)`,
      detail:
        (noneReady
          ? 'No CoreDNS pod is ready, so cluster DNS answers nothing. '
          : 'Some CoreDNS pods are down or restarting; queries that reach them fail, which looks like intermittent DNS errors. ') +
        (causeId
          ? `Their logs say why: see ${causeId}, the cause of this.`
          : 'The reason is in the pod events and in the previous container logs, where crash lines (parse errors, loop detection) live.'),
      evidence,
      remedies: [
        {
          summary: `Describe ${first} and read its previous logs for the crash reason.`,
          commands: [
            `kubectl -n ${ns} describe pod ${first}`,
            `kubectl -n ${ns} logs ${first} --previous --timestamps --tail=100`,
          ],
        },
      ],
      weight: noneReady ? (causeId ? 0.6 : 0.9) : anyNotReady ? 0.7 : 0.5,
    }),
  ];
}

export const check: Check = { id: 'coredns.pods-not-ready', needs: ['corednsPods'], run };
