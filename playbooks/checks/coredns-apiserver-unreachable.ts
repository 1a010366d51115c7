/**
 * coredns.apiserver-unreachable: `Failed to watch/list ... connection refused / i/o timeout`
 * towards the API server. CoreDNS then serves stale records and, starting up, never becomes
 * ready. The guide is explicit: if DNS answered fine in those minutes (query log with answers and
 * no failures, or clean probes), this is not the root cause. When no CoreDNS pod is ready and the
 * ones that logged it are among them, DNS is down because of it: the root cause of their state.
 * Guide: "CoreDNS pods are not running".
 */
import type { LogEvent } from '../logs/summary-types.js';
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import type { Pod } from '../model/k8s.js';
import { corednsContainerName, dnsNamespace } from './support/names.js';
import { safeName } from './support/shell.js';
import { clip, quote } from './support/text.js';
import { isRecent, timeMs } from './support/time.js';
import { finding, isPodReady } from './support.js';
import { eventCountText, eventExcerpt, events, podForEvent, probeSymptoms } from './support-coredns.js';

type During = { state: 'down' | 'failing' | 'healthy' | 'unknown'; proof: Excerpt[] };

/**
 * No CoreDNS pod is ready, and the ones that logged the failed calls (or every pod, when the lines
 * name none) are not: they cannot sync, so their kubernetes plugin never becomes ready.
 */
function podsDown(e: Evidence, evs: LogEvent[]): Excerpt[] {
  const pods = seenValue(e.corednsPods) ?? [];
  if (pods.length === 0 || pods.some(isPodReady)) return [];
  const from = evs.map((ev) => podForEvent(e, ev)).filter((p): p is Pod => p !== undefined);
  const named = evs.every((ev) => ev.source === undefined) ? pods : from;
  const names = [...new Set(named.map((p) => p.metadata.name))];
  if (names.length === 0) return [];
  const ns = dnsNamespace(e);
  const waiting = [
    ...events(seenValue(e.corednsLogs), 'not-ready'),
    ...events(seenValue(e.corednsLogs), 'unsynced-api'),
  ]
    .filter((ev) => {
      const p = podForEvent(e, ev);
      return p ? names.includes(p.metadata.name) : ev.source === undefined;
    })
    .sort((a, b) => a.lineNo - b.lineNo)
    .at(-1);
  return [
    ...names.slice(0, 2).map((n) => ({
      source: `pod ${ns}/${clip(n, 100)}`,
      text: `not Ready (0/${pods.length} CoreDNS pods ready)`,
    })),
    ...(waiting ? [eventExcerpt(waiting)] : []),
  ];
}

/** What DNS did while the API was unreachable: pods down, else the query log's minutes, then probes. */
function dnsDuring(e: Evidence, evs: LogEvent[]): During {
  const down = podsDown(e, evs);
  if (down.length > 0) return { state: 'down', proof: down };
  const minuteOf = (t: number) => Math.floor(t / 60_000);
  const evMinutes = new Set(
    evs
      .map((ev) => timeMs(ev.at))
      .filter((t) => !Number.isNaN(t))
      .map(minuteOf),
  );
  const buckets = (seenValue(e.corednsLogs)?.minutes ?? []).filter(
    (m) => evMinutes.has(minuteOf(timeMs(m.minute))) && m.ok + m.failed > 0,
  );
  const failed = buckets.filter((m) => m.failed > 0);
  const asProof = (m: { minute: string; ok: number; failed: number }) => ({
    source: `CoreDNS query log, minute ${clip(m.minute, 40)}`,
    text: `${m.ok} answered, ${m.failed} failed`,
  });
  if (failed.length > 0) return { state: 'failing', proof: failed.slice(0, 3).map(asProof) };
  if (evMinutes.size > 0 && buckets.length === evMinutes.size) return { state: 'healthy', proof: [] };

  const probes = probeSymptoms(e);
  if (!probes.seen) return { state: 'unknown', proof: [] };
  if (probes.failing.length === 0) return { state: 'healthy', proof: [] };
  // Probes speak for now: they blame an API outage only if it is recent (or untimed).
  const recent = evs.some((ev) => isRecent(ev.at, e.observedAt));
  return recent ? { state: 'failing', proof: probes.failing.slice(0, 2) } : { state: 'unknown', proof: [] };
}

/** `10.96.0.1:443` from the detail or the line (`dial tcp 10.96.0.1:443:`). */
function apiAddress(ev: LogEvent): { host: string; port: string } | undefined {
  const candidates = [
    ev.detail?.replace(/^https?:\/\//, '').replace(/\/.*$/, ''),
    /dial tcp (\S+?):? /.exec(ev.line)?.[1],
    /https:\/\/([^/"\s]+)/.exec(ev.line)?.[1],
  ];
  for (const raw of candidates) {
    const m = /^\[?([\w.:-]+?)\]?:(\d{1,5})$/.exec(raw ?? '');
    if (m?.[1] && m[2]) return { host: m[1], port: m[2] };
  }
  return undefined;
}

/** The CoreDNS-side probe pod's TCP connects to the API server, when they failed: reproduced now. */
function reproduced(e: Evidence): Excerpt[] {
  const probe = (seenValue(e.corednsSideProbes)?.results ?? []).find(
    (r) => r.hop === 'apiserver' && r.answered < r.attempts,
  );
  if (!probe) return [];
  const node = seenValue(e.corednsSideProbes)?.node;
  const text = `${probe.answered}/${probe.attempts} TCP connects to ${probe.server} succeeded${probe.sample ? `; ${probe.sample}` : ''}`;
  return [quote(`probe from CoreDNS node${node ? ` ${node}` : ''}`, text)];
}

function run(e: Evidence): Finding[] {
  const logs = seenValue(e.corednsLogs);
  const evs = events(logs, 'api-unreachable');
  const ev = evs.at(-1);
  if (!ev) return [];
  const during = dnsDuring(e, evs);
  if (during.state === 'healthy') return [];

  const ns = dnsNamespace(e);
  const pod = safeName(podForEvent(e, ev)?.metadata.name ?? seenValue(e.corednsPods)?.[0]?.metadata.name, '');
  const api = apiAddress(ev);
  const down = during.state === 'down';
  const failing = down || during.state === 'failing';
  const commands = [
    'kubectl get --raw /readyz?verbose',
    'kubectl -n default get endpointslices -l kubernetes.io/service-name=kubernetes -o wide',
  ];
  if (pod && api) {
    commands.push(
      `kubectl -n ${ns} debug -it ${pod} --image=busybox --target=${corednsContainerName(e)} -- nc -zv -w 3 ${api.host} ${api.port}`,
    );
  }
  return [
    finding('coredns.apiserver-unreachable', {
      severity: failing ? 'critical' : 'warning',
      title: `CoreDNS${pod ? ` pod ${pod}` : ''} cannot reach the API server${api ? ` at ${api.host}:${api.port}` : ''}`,
      detail:
        `CoreDNS logged ${eventCountText(logs, 'api-unreachable')} failed watch/list calls to the API server, so its view of Services and endpoints goes stale and a restarting pod never becomes ready. ` +
        (down
          ? 'No CoreDNS pod is ready: they cannot sync Services and endpoints, so they never become ready and cluster DNS is down. This is the root cause.'
          : failing
            ? 'DNS failed in the same minutes, so this outage is a likely cause.'
            : 'Whether DNS failed in those minutes is unknown: if it answered fine, this is not the root cause.'),
      evidence: [eventExcerpt(ev), ...during.proof, ...reproduced(e)],
      remedies: [
        {
          summary: `Check the API server's health and the path from the CoreDNS pod to it (network policy, security groups, kube-proxy on that node).`,
          commands,
        },
      ],
      // Pods that cannot sync explain their own unreadiness: this outranks coredns.pods-not-ready.
      weight: down ? 0.9 : failing ? 0.7 : 0.3,
    }),
  ];
}

export const check: Check = { id: 'coredns.apiserver-unreachable', needs: ['corednsLogs'], run };
