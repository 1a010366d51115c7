/**
 * coredns.max-concurrent-exceeded: the forward plugin answers REFUSED itself once more queries
 * wait on upstreams than `max_concurrent` allows (`concurrent queries exceeded maximum`). Clients
 * see REFUSED that no upstream sent; it usually means a slow upstream or too few replicas.
 * Guide: beyond it (CoreDNS forward plugin); REFUSED in the query-log table.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { configMapName, corednsDeploymentName, dnsNamespace } from './support/names.js';
import { isRecent } from './support/time.js';
import { finding } from './support.js';
import {
  allDirectives,
  directiveExcerpt,
  eventCountText,
  eventExcerpt,
  events,
  scaleTarget,
} from './support-coredns.js';

/** forward's default when the Corefile sets none. */
const DEFAULT_MAX = 1000;

function run(e: Evidence): Finding[] {
  const logs = seenValue(e.corednsLogs);
  const evs = events(logs, 'max-concurrent');
  const last = evs.at(-1);
  if (!logs || !last) return [];

  const ns = dnsNamespace(e);
  const cm = configMapName(e);
  const deploy = corednsDeploymentName(e);
  const setting = allDirectives(e).find((d) => d.name === 'max_concurrent');
  const current = Number.parseInt(setting?.args[0] ?? '', 10) || DEFAULT_MAX;
  // Untimed lines count as now; a burst hours ago is a risk that will return at the next peak.
  const now = isRecent(last.at, e.observedAt);
  const count = eventCountText(logs, 'max-concurrent');
  const evidence: Excerpt[] = [eventExcerpt(last)];
  if (setting) evidence.push(directiveExcerpt(e, setting));
  return [
    finding('coredns.max-concurrent-exceeded', {
      severity: now ? 'critical' : 'warning',
      title: `CoreDNS refused queries: more than ${current} concurrent forwarded queries (ConfigMap ${ns}/${cm})`,
      detail:
        `CoreDNS logged ${count} lines saying its forward plugin hit max_concurrent ${current}${setting ? '' : ' (the default)'}, so it answered REFUSED itself instead of asking the upstream. ` +
        'Queries pile up when the upstream answers slowly or too few replicas share the load: check upstream latency as well.',
      evidence,
      remedies: [
        {
          summary: `Raise max_concurrent in the forward block of ConfigMap ${ns}/${cm} (e.g. to ${current * 2}); each slot costs about 2 kB of memory.`,
          commands: [`kubectl -n ${ns} edit configmap ${cm}`],
        },
        {
          summary: `Scale ${ns}/${deploy} out so each pod forwards fewer queries.`,
          commands: [`kubectl -n ${ns} scale deployment ${deploy} --replicas=${scaleTarget(e)}`],
        },
      ],
      weight: now ? 0.9 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'coredns.max-concurrent-exceeded', needs: ['corednsLogs'], run };
