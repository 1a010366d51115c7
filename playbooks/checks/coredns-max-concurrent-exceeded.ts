/**
 * coredns.max-concurrent-exceeded: the forward plugin answers REFUSED itself once more queries
 * wait on upstreams than `max_concurrent` allows (`concurrent queries exceeded maximum`). Clients
 * see REFUSED that no upstream sent; it usually means a slow upstream or too few replicas.
 * forward sets no limit by default, so the limit is the one the log line names (its block may sit
 * in an imported file, such as AKS's coredns-custom, that the gathered Corefile does not show).
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

/** `1000` from `concurrent queries exceeded maximum 1000`: the limit the refusing forward block ran with. */
function loggedMax(line: string): number | undefined {
  const n = Number.parseInt(/exceeded maximum (\d+)/.exec(line)?.[1] ?? '', 10);
  return Number.isNaN(n) ? undefined : n;
}

/** Whether the Corefile imports files (AKS and k3s `coredns-custom`) the gathered text does not hold. */
function importsCustom(e: Evidence): boolean {
  const corefile = seenValue(e.corefile);
  return (
    (corefile?.parsed.imports ?? []).some((i) => i.includes('custom')) ||
    allDirectives(e).some((d) => d.name === 'import' && d.args.some((a) => a.includes('custom')))
  );
}

function run(e: Evidence): Finding[] {
  const logs = seenValue(e.corednsLogs);
  const evs = events(logs, 'max-concurrent');
  const last = evs.at(-1);
  if (!logs || !last) return [];

  const ns = dnsNamespace(e);
  const deploy = corednsDeploymentName(e);
  // forward has no default limit: only a `max_concurrent` line makes it refuse, and the log line
  // names the limit of the block that refused. It may live in an imported file we cannot read.
  const logged = loggedMax(last.line) ?? loggedMax(last.detail ?? '');
  const settings = allDirectives(e).filter((d) => d.name === 'max_concurrent');
  const setting =
    settings.find((d) => logged !== undefined && Number.parseInt(d.args[0] ?? '', 10) === logged) ??
    (logged === undefined ? settings[0] : undefined);
  const current = logged ?? (Number.parseInt(setting?.args[0] ?? '', 10) || undefined);
  const imported = !setting && importsCustom(e);
  const cm = imported ? 'coredns-custom' : configMapName(e);
  const where = imported
    ? `ConfigMap ${ns}/coredns-custom, imported by ConfigMap ${ns}/${configMapName(e)}`
    : `ConfigMap ${ns}/${cm}`;
  const limit = current !== undefined ? `max_concurrent ${current}` : 'its max_concurrent';
  // Untimed lines count as now; a burst hours ago is a risk that will return at the next peak.
  const now = isRecent(last.at, e.observedAt);
  const count = eventCountText(logs, 'max-concurrent');
  const evidence: Excerpt[] = [eventExcerpt(last)];
  if (setting) evidence.push(directiveExcerpt(e, setting));
  return [
    finding('coredns.max-concurrent-exceeded', {
      severity: now ? 'critical' : 'warning',
      title: `CoreDNS refused queries: more than ${current ?? 'max_concurrent'} concurrent forwarded queries (${where})`,
      detail:
        `CoreDNS logged ${count} lines saying its forward plugin hit ${limit}, so it answered REFUSED itself instead of asking the upstream. ` +
        'Queries pile up when the upstream answers slowly or too few replicas share the load: check upstream latency as well.',
      evidence,
      remedies: [
        {
          summary: `Raise max_concurrent in the forward block of ${where} (${current !== undefined ? `e.g. to ${current * 2}` : 'e.g. double it'}); each slot costs about 2 kB of memory.`,
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
