/**
 * Probe arithmetic: which probe results to look at, and what counts as lost or failed. NXDOMAIN
 * is an answer, not a failure; SERVFAIL and REFUSED are failures.
 */
import type { Evidence, ProbeResult } from '../../model/evidence.js';
import { seenValue } from '../../model/gathered.js';

/** The hops that reach cluster DNS (not the upstream resolvers or the API server). */
export const CLUSTER_DNS_HOPS: ReadonlySet<string> = new Set(['dns-service', 'coredns-pod', 'nodelocal']);

/** Client-side probe results (probes of the client's network), empty when unseen. */
export function clientResults(e: Evidence): ProbeResult[] {
  return (seenValue(e.clientProbes)?.results ?? []).filter((r) => r.side === 'client');
}

/** Every probe result, from the client's node and from a CoreDNS node. */
export function allProbes(e: Evidence): ProbeResult[] {
  return [...(seenValue(e.clientProbes)?.results ?? []), ...(seenValue(e.corednsSideProbes)?.results ?? [])];
}

/** Queries that got no answer at all. */
export function unanswered(p: ProbeResult): number {
  return Math.max(0, p.attempts - p.answered);
}

/** Queries that failed: no answer, or SERVFAIL/REFUSED. */
export function failures(p: ProbeResult): number {
  return Math.min(p.attempts, unanswered(p) + (p.rcodes['SERVFAIL'] ?? 0) + (p.rcodes['REFUSED'] ?? 0));
}

/** Every attempt went unanswered. */
export function isDead(p: ProbeResult): boolean {
  return p.attempts > 0 && p.answered === 0;
}

/** Some queries were lost or answered with a server failure. */
export function probeFailed(p: ProbeResult): boolean {
  return p.attempts > 0 && (p.timeouts > 0 || failures(p) > 0);
}

/** Every query answered NOERROR. */
export function probeClean(p: ProbeResult): boolean {
  return (
    p.attempts > 0 &&
    p.answered === p.attempts &&
    p.timeouts === 0 &&
    (p.rcodes['NOERROR'] ?? 0) === p.attempts
  );
}
