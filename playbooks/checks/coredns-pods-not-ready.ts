/**
 * coredns.pods-not-ready: CoreDNS pods that are not Running and Ready, crash-looping, or
 * restarting right now. Queries that reach such a pod (stale endpoints, IPVS entries) fail, and
 * with every pod down all lookups do. Restarts long ago on pods Ready since are history, not a
 * fault. Guide: Step 2; "CoreDNS pods are not running as expected".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import { dnsNamespace } from './support/names.js';
import { safeName } from './support/shell.js';
import { clip } from './support/text.js';
import { timeMs } from './support/time.js';
import { finding, isPodReady, waitingReasons } from './support.js';
import { restartedRecently } from './support-coredns.js';

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
  return [
    finding('coredns.pods-not-ready', {
      severity: noneReady ? 'critical' : 'warning',
      title: `CoreDNS pod${bad.length > 1 ? 's' : ''} ${clip(names.join(', '), 200)} ${anyNotReady ? 'not ready' : 'restarting'} (${ready.length}/${pods.length} ready)`,
      detail:
        (noneReady
          ? 'No CoreDNS pod is ready, so cluster DNS answers nothing. '
          : 'Some CoreDNS pods are down or restarting; queries that reach them fail, which looks like intermittent DNS errors. ') +
        'The reason is in the pod events and in the previous container logs, where crash lines (parse errors, loop detection) live.',
      evidence: bad.map((p) => ({ source: `pod ${ns}/${p.metadata.name}`, text: describe(p) })),
      remedies: [
        {
          summary: `Describe ${first} and read its previous logs for the crash reason.`,
          commands: [
            `kubectl -n ${ns} describe pod ${first}`,
            `kubectl -n ${ns} logs ${first} --previous --timestamps --tail=100`,
          ],
        },
      ],
      weight: noneReady ? 0.9 : anyNotReady ? 0.7 : 0.5,
    }),
  ];
}

export const check: Check = { id: 'coredns.pods-not-ready', needs: ['corednsPods'], run };
