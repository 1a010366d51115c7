/**
 * Helpers the coredns.* checks share: the real names to put in commands, log-event ordering,
 * crash-line staleness, and the DNS symptoms that turn a risk into a cause.
 */
import type { LogEvent, LogSummary } from '../logs/summary-types.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt, Remedy } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import type { Directive } from '../parsers/corefile-types.js';
import { isPodReady } from './support.js';

/** "Now" for restarts and log lines: within this window of `observedAt`. */
export const RECENT_MS = 15 * 60_000;
const MAX_EXCERPT = 300;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Log and object text is untrusted: one line, no control characters, at most 300 chars. */
export function clip(text: string, max = MAX_EXCERPT): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A Kubernetes name safe to paste into a shell command, else the fallback. */
export function safeName(name: string | undefined, fallback: string): string {
  return name && K8S_NAME.test(name) ? name : fallback;
}

/** Namespace CoreDNS lives in, from the objects we saw (never assumed unless nothing says). */
export function dnsNamespace(e: Evidence): string {
  const fromCorefile = seenValue(e.corefile)?.source.split('/')[0];
  return safeName(
    seenValue(e.clusterDns)?.service.metadata.namespace ??
      seenValue(e.corednsDeployment)?.metadata.namespace ??
      seenValue(e.corednsPods)?.[0]?.metadata.namespace ??
      fromCorefile,
    'kube-system',
  );
}

export function deploymentName(e: Evidence): string {
  const owner = seenValue(e.corednsPods)?.[0]?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
  return safeName(seenValue(e.corednsDeployment)?.metadata.name ?? owner?.name, 'coredns');
}

export function serviceName(e: Evidence): string {
  return safeName(seenValue(e.clusterDns)?.service.metadata.name, 'kube-dns');
}

/** The ConfigMap that holds the Corefile, from `CorefileEvidence.source` (`kube-system/coredns`). */
export function configMapName(e: Evidence): string {
  return safeName(seenValue(e.corefile)?.source.split('/')[1], 'coredns');
}

/** The DNS Service's selector, keeping only shell-safe labels; `k8s-app: kube-dns` when unknown. */
export function podLabels(e: Evidence): Record<string, string> {
  const sel = seenValue(e.clusterDns)?.service.spec.selector;
  const pairs = Object.entries(sel ?? {}).filter(([k, v]) => /^[\w./-]+$/.test(k) && /^[\w.-]*$/.test(v));
  return pairs.length > 0 ? Object.fromEntries(pairs) : { 'k8s-app': 'kube-dns' };
}

/** `k8s-app=kube-dns` from the DNS Service's selector, for `-l`. */
export function podSelector(e: Evidence): string {
  return Object.entries(podLabels(e))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function containerName(e: Evidence): string {
  const containers = seenValue(e.corednsPods)?.[0]?.spec.containers ?? [];
  const c = containers.find((x) => x.name === 'coredns' || x.image?.includes('coredns')) ?? containers[0];
  return safeName(c?.name, 'coredns');
}

/** Milliseconds since the epoch; ISO strings without a zone are UTC. NaN when absent or unreadable. */
export function timeMs(iso: string | undefined): number {
  if (!iso) return Number.NaN;
  const withZone = /(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso.length === 16 ? `${iso}:00` : iso}Z`;
  return Date.parse(withZone);
}

export function events(logs: LogSummary | undefined, kind: LogEvent['kind']): LogEvent[] {
  return (logs?.events ?? []).filter((ev) => ev.kind === kind);
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
const COREDNS_HOPS = new Set(['dns-service', 'coredns-pod', 'nodelocal']);

function probeFailed(r: ProbeResult): boolean {
  return r.timeouts > 0 || r.answered < r.attempts || (r.rcodes.SERVFAIL ?? 0) + (r.rcodes.REFUSED ?? 0) > 0;
}

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
  const client = seenValue(e.clientProbes);
  const side = seenValue(e.corednsSideProbes);
  const probes = [...(client?.results ?? []), ...(side?.results ?? [])].filter(
    (p) => COREDNS_HOPS.has(p.hop) && keep(p),
  );
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

/**
 * Install NodeLocal DNSCache with this cluster's values filled in (the upstream addon manifest),
 * or undefined when it is deployed already or the DNS IP and domain are unknown.
 */
export function nodeLocalRemedy(e: Evidence): Remedy | undefined {
  const dns = seenValue(e.clusterDns);
  if (seenValue(e.nodeLocal)?.deployed || !dns) return undefined;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(dns.ip) || !/^[a-z0-9.-]+$/.test(dns.clusterDomain)) return undefined;
  const domain = dns.clusterDomain.replace(/\.$/, '');
  const ipvs = seenValue(e.kubeProxy)?.mode === 'ipvs';
  const server = ipvs
    ? `s/,__PILLAR__DNS__SERVER__//g; s/__PILLAR__CLUSTER__DNS__/${dns.ip}/g`
    : `s/__PILLAR__DNS__SERVER__/${dns.ip}/g`;
  const url =
    'https://raw.githubusercontent.com/kubernetes/kubernetes/master/cluster/addons/dns/nodelocaldns/nodelocaldns.yaml';
  return {
    summary: `Enable NodeLocal DNSCache so each node answers from its own cache${ipvs ? ' (IPVS mode: also point the kubelet clusterDNS at 169.254.20.10)' : ''}.`,
    commands: [
      `curl -sSLo nodelocaldns.yaml ${url}`,
      `sed -i 's/__PILLAR__LOCAL__DNS__/169.254.20.10/g; s/__PILLAR__DNS__DOMAIN__/${domain}/g; ${server}' nodelocaldns.yaml`,
      'kubectl create -f nodelocaldns.yaml',
    ],
  };
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
    labelSelector: { matchLabels: podLabels(e) },
  };
  return JSON.stringify({ spec: { template: { spec: { topologySpreadConstraints: [constraint] } } } });
}
