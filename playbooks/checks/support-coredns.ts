/**
 * Helpers the coredns.* checks share: log events (ordering, true counts, staleness of crash
 * lines), Corefile directives, and the DNS symptoms that turn a risk into a cause.
 */
import type { LogEvent, LogSummary } from '../logs/summary-types.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import type { Directive } from '../parsers/corefile-types.js';
import { configMapName, dnsNamespace, dnsPodLabels, dnsPodSelector } from './support/names.js';
import { allProbes, CLUSTER_DNS_HOPS, probeFailed } from './support/probes.js';
import { clip } from './support/text.js';
import { RECENT_MS, timeMs } from './support/time.js';
import { isPodReady } from './support.js';

/** The events of one kind the summary kept (capped: the first ones and the latest per kind). */
export function events(logs: LogSummary | undefined, kind: LogEvent['kind']): LogEvent[] {
  return (logs?.events ?? []).filter((ev) => ev.kind === kind);
}

/**
 * How many `kind` events the log held: the true total when the summary counted it, else the kept
 * ones, which is a floor (`atLeast`) when the summary dropped events.
 */
export function eventCount(
  logs: LogSummary | undefined,
  kind: LogEvent['kind'],
): { n: number; atLeast: boolean } {
  const counted = logs?.eventCounts?.[kind];
  if (counted !== undefined) return { n: counted, atLeast: false };
  return { n: events(logs, kind).length, atLeast: (logs?.eventsDropped ?? 0) > 0 };
}

/** `12`, or `10 or more` when the true count is unknown. */
export function eventCountText(logs: LogSummary | undefined, kind: LogEvent['kind']): string {
  const { n, atLeast } = eventCount(logs, kind);
  return `${n}${atLeast ? ' or more' : ''}`;
}

/** Whether `b` happened after `a` in the same log stream (by time when both have one, else by line). */
export function happenedAfter(b: LogEvent, a: LogEvent): boolean {
  if (a.source !== undefined && b.source !== undefined && a.source !== b.source) return false;
  const ta = timeMs(a.at);
  const tb = timeMs(b.at);
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return tb > ta;
  return b.lineNo > a.lineNo;
}

export function eventExcerpt(ev: LogEvent): Excerpt {
  const where = ev.source ? `logs of ${clip(ev.source, 120)}` : 'CoreDNS logs';
  return { source: `${where}, line ${ev.lineNo}`, text: clip(ev.line), ...(ev.at ? { at: ev.at } : {}) };
}

/** The CoreDNS pod a log line came from, when its source names one. */
export function podForEvent(e: Evidence, ev: LogEvent): Pod | undefined {
  const source = ev.source;
  if (!source) return undefined;
  return seenValue(e.corednsPods)?.find((p) => source.includes(p.metadata.name));
}

/** When the container running now started (its last restart), NaN when unknown. */
export function runningSince(pod: Pod): number {
  const starts = (pod.status?.containerStatuses ?? []).map((c) => timeMs(c.state?.running?.startedAt));
  const known = starts.filter((t) => !Number.isNaN(t));
  return known.length > 0 ? Math.min(...known) : Number.NaN;
}

/** Restarted within RECENT_MS of `observedAt` (a crash ended, or a restarted container began). */
export function restartedRecently(pod: Pod, observedAt: string): boolean {
  const now = timeMs(observedAt);
  return (pod.status?.containerStatuses ?? []).some((c) => {
    if (c.restartCount === 0) return false;
    const times = [timeMs(c.lastState?.terminated?.finishedAt), timeMs(c.state?.running?.startedAt)];
    return times.some((t) => !Number.isNaN(t) && now - t <= RECENT_MS);
  });
}

/** Whether a fatal line can be what takes DNS down now: CoreDNS pods unseen, none, or some not Ready. */
export function corednsDown(e: Evidence): boolean {
  const pods = seenValue(e.corednsPods);
  return !pods || pods.length === 0 || pods.some((p) => !isPodReady(p));
}

/**
 * A fatal line (parse error, loop) is history when every CoreDNS pod is Ready now and the line
 * predates the container running now, or carries no time and no pod restarted recently.
 * Unknown pods mean we cannot tell: then it is current.
 */
export function crashIsHistory(e: Evidence, ev: LogEvent): boolean {
  const pods = seenValue(e.corednsPods);
  if (!pods || pods.length === 0 || !pods.every(isPodReady)) return false;
  const from = podForEvent(e, ev);
  const candidates = from ? [from] : pods;
  const at = timeMs(ev.at);
  if (!Number.isNaN(at)) return candidates.every((p) => runningSince(p) > at);
  return candidates.every((p) => !restartedRecently(p, e.observedAt));
}

/** Every directive of every server block, nested blocks included. */
export function allDirectives(e: Evidence): Directive[] {
  const walk = (ds: Directive[]): Directive[] => ds.flatMap((d) => [d, ...walk(d.block)]);
  return (seenValue(e.corefile)?.parsed.servers ?? []).flatMap((s) => walk(s.directives));
}

export function directiveExcerpt(e: Evidence, d: Directive): Excerpt {
  const text = [d.name, ...d.args].join(' ');
  return {
    source: `Corefile line ${d.line} (ConfigMap ${dnsNamespace(e)}/${configMapName(e)})`,
    text: clip(text),
  };
}

const SLOW_P95_MS = 500;

function probeExcerpt(r: ProbeResult): Excerpt {
  const bad = Object.entries(r.rcodes)
    .filter(([code]) => code !== 'NOERROR' && code !== 'NXDOMAIN')
    .map(([code, n]) => `${n} ${code}`);
  const latency = r.latencyMs ? `, p95 ${r.latencyMs.p95} ms, max ${r.latencyMs.max} ms` : '';
  const text = `${r.attempts} x ${r.qtype} ${r.name} over ${r.transport}: ${r.answered} answered, ${r.timeouts} timeouts${bad.length ? `, ${bad.join(', ')}` : ''}${latency}`;
  return { source: `probe ${r.server} (${r.side} side, ${r.hop})`, text: clip(text) };
}

export interface DnsSymptoms {
  /** Timeouts, unanswered or SERVFAIL/REFUSED answers: lookups failing. */
  failing: Excerpt[];
  /** Answers that came, but slowly. */
  slow: Excerpt[];
}

/** Probes towards CoreDNS (not upstream hops); `seen` is false when no probe ran. */
export function probeSymptoms(
  e: Evidence,
  keep: (r: ProbeResult) => boolean = () => true,
): DnsSymptoms & { seen: boolean } {
  const failing: Excerpt[] = [];
  const slow: Excerpt[] = [];
  const probes = allProbes(e).filter((p) => CLUSTER_DNS_HOPS.has(p.hop) && keep(p));
  for (const r of probes) {
    if (probeFailed(r)) failing.push(probeExcerpt(r));
    else if ((r.latencyMs?.p95 ?? 0) >= SLOW_P95_MS) slow.push(probeExcerpt(r));
  }
  return { seen: probes.length > 0, failing, slow };
}

function total(c: { cluster: number; 'search-expansion': number; external: number } | undefined): number {
  return c ? c.cluster + c['search-expansion'] + c.external : 0;
}

/** Unanswered queries, SERVFAILs and failed minutes in the CoreDNS log. NXDOMAIN is not a failure. */
export function logSymptoms(logs: LogSummary | undefined): Excerpt[] {
  if (!logs) return [];
  const out: Excerpt[] = [];
  const noResponse = total(logs.noResponse);
  const servfail = total(logs.byRcode.SERVFAIL);
  if (noResponse > 0)
    out.push({ source: 'CoreDNS query log', text: `${noResponse} queries got no response` });
  if (servfail > 0) out.push({ source: 'CoreDNS query log', text: `${servfail} SERVFAIL answers` });
  const failedMinutes = logs.minutes.filter((m) => m.failed > 0);
  if (failedMinutes.length > 0 && noResponse + servfail === 0) {
    const n = failedMinutes.reduce((acc, m) => acc + m.failed, 0);
    out.push({ source: 'CoreDNS query log', text: `${n} failed queries in ${failedMinutes.length} minutes` });
  }
  return out;
}

/**
 * Slow or failing answers from CoreDNS, as probes and logs saw them. A truncated answer is not a
 * failure (the client retries over TCP); upstream hops are left out.
 */
export function dnsSymptoms(e: Evidence, keep?: (r: ProbeResult) => boolean): DnsSymptoms {
  const probes = probeSymptoms(e, keep);
  return { failing: [...probes.failing, ...logSymptoms(seenValue(e.corednsLogs))], slow: probes.slow };
}

export function hasSymptoms(s: DnsSymptoms): boolean {
  return s.failing.length + s.slow.length > 0;
}

/** Shows whether CoreDNS reloaded its Corefile in the last minutes (after an edit of the ConfigMap). */
export function reloadLogCommand(e: Evidence): string {
  return `kubectl -n ${dnsNamespace(e)} logs -l ${dnsPodSelector(e)} --since=5m --timestamps | grep plugin/reload`;
}

/** Replica count to scale to: double what runs now, at least two. */
export function scaleTarget(e: Evidence): number {
  const now = seenValue(e.corednsDeployment)?.spec?.replicas ?? seenValue(e.corednsPods)?.length ?? 1;
  return Math.max(2, now * 2);
}

/** A merge patch spreading the CoreDNS pods over nodes (topologySpreadConstraints on hostname). */
export function spreadPatch(e: Evidence): string {
  const constraint = {
    maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: dnsPodLabels(e) },
  };
  return JSON.stringify({ spec: { template: { spec: { topologySpreadConstraints: [constraint] } } } });
}
