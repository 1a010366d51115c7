/**
 * upstream.unreachable: CoreDNS's errors plugin logs `i/o timeout` towards an upstream resolver.
 * Every external name then waits out the 5 s deadline and ends in SERVFAIL; the cause is the path
 * from the CoreDNS nodes to the upstream (routes, security groups, the resolver itself).
 * Guide: "Diagnose network connectivity of the CoreDNS pod"; FAQ "CoreDNS pods not running as expected".
 */
import type { UpstreamErrors } from '../logs/summary-types.js';
import type { Check } from '../model/check.js';
import type { Evidence, ProbeResult } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { splitServer } from './support/ip.js';
import { corednsInstanceIds, corednsNode } from './support/names.js';
import { isDead } from './support/probes.js';
import { clip } from './support/text.js';
import { isRecent, NO_LOG_TIME, timeMs, toSecond } from './support/time.js';
import { finding } from './support.js';
import { describeProbe, digFromCorednsNode, showCorefile, upstreamProbes } from './support-service.js';

/** The query name in `[ERROR] plugin/errors: 2 api.example.net. A: read udp ...`, unless it is loop's HINFO. */
function queriedName(sample: string): string {
  const m = /plugin\/errors: \d+ (\S+) (\w+):/.exec(sample);
  return m?.[1] && m[2] !== 'HINFO' ? m[1] : '.';
}

/** The loop plugin's start-up probe: `<random>.<random>.<zone> HINFO`, retried for 30 s after CoreDNS starts. */
const LOOP_PROBE = /plugin\/errors: \d+ \d+\.\d+\.\S* HINFO: /;
const LOOP_PROBE_WINDOW_MS = 60_000;

/**
 * Timeouts of the loop plugin's HINFO probe alone: the first line is that probe and every timeout
 * falls within its start-up window. Many resolvers ignore HINFO for random names, so this says
 * the upstream did not answer that probe, not that it is unreachable (CoreDNS maintainers, coredns
 * issues #4211 and #5352); a real outage goes on timing out for forwarded names after it.
 */
function loopProbeOnly(u: UpstreamErrors): boolean {
  if (!LOOP_PROBE.test(u.sample)) return false;
  const first = timeMs(u.firstSeen);
  const last = timeMs(u.lastSeen ?? u.firstSeen);
  return !Number.isNaN(first) && !Number.isNaN(last) && last - first <= LOOP_PROBE_WINDOW_MS;
}

/** Severity and weight, or undefined when the upstream answers now and the log's timeouts are old. */
function grade(failing: boolean, answering: boolean, logged: boolean, recent: boolean) {
  if (failing) return logged ? (['critical', 0.9] as const) : (['warning', 0.5] as const);
  if (answering) return recent ? (['warning', 0.3] as const) : undefined;
  return recent ? (['critical', 0.7] as const) : (['warning', 0.3] as const);
}

/** ` 09:50:00Z to 09:59:10Z` for the ticket, from the log's own times (never the gather time). */
function timesOf(logged: UpstreamErrors | undefined): string {
  if (!logged) return '';
  const last = logged.lastSeen ?? logged.firstSeen;
  if (!last) return `, ${NO_LOG_TIME}`;
  const first = logged.firstSeen;
  return first && first !== last ? ` ${toSecond(first)} to ${toSecond(last)}` : ` ${toSecond(last)}`;
}

function build(
  e: Evidence,
  upstream: string,
  logged: UpstreamErrors | undefined,
  probes: ProbeResult[],
): Finding[] {
  const failing = probes.find((p) => p.timeouts > 0 || p.answered === 0);
  // Only the loop probe timed out, and no direct query failed: nothing says forwarding fails.
  if (logged && !failing && loopProbeOnly(logged)) return [];
  const answering = probes.length > 0 && !failing;
  const recent = logged !== undefined && isRecent(logged.lastSeen, e.observedAt, 30 * 60_000);
  const graded = grade(failing !== undefined, answering, logged !== undefined, recent);
  if (!graded) return [];
  const [severity, weight] = graded;
  const node = corednsNode(e) ?? 'a CoreDNS node';
  const evidence: Excerpt[] = [];
  if (logged)
    evidence.push({
      source: 'CoreDNS logs (errors plugin)',
      text: clip(logged.sample),
      // The sample is the first timeout line: its own time, not the last one's.
      ...((logged.firstSeen ?? logged.lastSeen) ? { at: logged.firstSeen ?? logged.lastSeen } : {}),
    });
  const silent = seenValue(e.corednsLogs)?.noResponse.external ?? 0;
  if (logged && silent > 0)
    evidence.push({ source: 'CoreDNS query log', text: `${silent} external queries got no response` });
  for (const p of probes.slice(0, 2))
    evidence.push({ source: `direct probe from ${node}`, text: describeProbe(p) });
  const seenIn = logged
    ? `CoreDNS logged ${logged.timeouts} timeouts towards ${upstream}${logged.lastSeen ? ` (last ${toSecond(logged.lastSeen)})` : ''}`
    : `CoreDNS logged nothing about ${upstream}`;
  const probeSays = failing
    ? `a direct query from ${node} ${logged ? 'times out too' : `got ${failing.answered} answers to ${failing.attempts} queries`}`
    : answering
      ? `a direct query from ${node} is answered now, so the loss was earlier or intermittent`
      : 'no direct query from a CoreDNS node was made to confirm it';
  const name = logged ? queriedName(logged.sample) : (probes[0]?.name ?? '.');
  const { host, port } = splitServer(upstream);
  return [
    finding('upstream.unreachable', {
      severity,
      title: `CoreDNS cannot reach upstream DNS ${upstream}`,
      detail: `${seenIn}; ${probeSays}. Forwarded (external) names fail with SERVFAIL after the 5 s deadline while the upstream does not answer.`,
      evidence,
      remedies: [
        {
          summary: `Check routes, security groups and network ACLs from the CoreDNS nodes to ${host} port ${port} (UDP and TCP)`,
          commands: [
            digFromCorednsNode(e, upstream, name, 'A'),
            digFromCorednsNode(e, upstream, name, 'A', '+tcp +time=2 +tries=1'),
          ],
        },
        {
          summary: `If the path is open, ticket to the network/DNS provider: upstream ${upstream}, timeouts${timesOf(logged)}, instances ${corednsInstanceIds(e).join(' ') || 'of the CoreDNS nodes'}`,
          commands: [showCorefile(e)],
        },
      ],
      weight,
    }),
  ];
}

export const check: Check = {
  id: 'upstream.unreachable',
  needs: ['corednsLogs'],
  run(e) {
    const logs = seenValue(e.corednsLogs);
    const logged = (logs?.upstreamErrors ?? [])
      .filter((u) => u.timeouts > 0)
      .sort((a, b) => b.timeouts - a.timeouts);
    const findings = logged.flatMap((u) =>
      build(e, u.upstream, u, upstreamProbes(e, { server: u.upstream })),
    );
    // A direct probe that never got an answer, for an upstream the log did not name: weaker, still positive.
    const silent = (seenValue(e.corednsSideProbes)?.results ?? []).filter(
      (p) =>
        p.hop === 'upstream' &&
        isDead(p) &&
        !logged.some((u) => upstreamProbes(e, { server: u.upstream }).includes(p)),
    );
    for (const server of new Set(silent.map((p) => p.server)))
      findings.push(...build(e, server, undefined, upstreamProbes(e, { server })));
    return findings.slice(0, 3);
  },
};
