/**
 * CoreDNS logs (guide Step 3), every pod, with timestamps: the tail of each, the `previous`
 * container's log where a container restarted (crash lines live there), and when the query log
 * floods the tail, the error lines of a wider window (query lines dropped) so a loop or a reload
 * failure an hour ago is not pushed out by chatter. Summarised with bounded memory.
 */

import { parseLine } from '../../playbooks/logs/line.js';
import { LogSummarizer, mergePartials, type PartialSummary } from '../../playbooks/logs/summarizer.js';
import type { LogSummary } from '../../playbooks/logs/summary-types.js';
import type { Gathered } from '../../playbooks/model/gathered.js';
import type { Pod } from '../../playbooks/model/k8s.js';
import { ClusterApiError } from '../k8s/errors.js';
import { clusterDns } from './cluster-dns.js';
import type { GatherContext } from './context.js';
import { DNS_NAMESPACE, dnsContainer, dnsPods } from './dns-service.js';
import { attempt, cannotSee, need } from './support.js';

export const TAIL_LINES = 2000;
/** The wider window read when queries flood the tail. */
export const WIDE_WINDOW_SECONDS = 3600;
const WIDE_LIMIT_BYTES = 16 * 1024 * 1024;

interface PodLogs {
  source: string;
  tail: string;
  previous?: string;
  /** Non-query lines of the wider window that come before the tail. */
  earlier?: string;
}

function summarise(text: string, source: string, clusterDomain: string | undefined): PartialSummary {
  const options = clusterDomain ? { source, clusterDomain } : { source };
  const s = new LogSummarizer(options);
  s.push(Buffer.from(text, 'utf8'));
  return s.partial();
}

/** The tail is mostly query lines and full: error lines may have scrolled out of it. */
export function floodsTail(s: LogSummary): boolean {
  return s.lines >= TAIL_LINES && s.queries >= 0.9 * s.lines;
}

/** Lines of `wide` before the tail's first line (by identity, else by time), minus query lines. */
export function earlierNonQueryLines(wide: string, tail: string): string {
  const nl = tail.indexOf('\n');
  const firstTail = (nl < 0 ? tail : tail.slice(0, nl)).trimEnd();
  const at = firstTail ? wide.indexOf(`${firstTail}\n`) : -1;
  let lines = (at >= 0 ? wide.slice(0, at) : wide).split('\n');
  if (at < 0) {
    const limit = Date.parse(firstTail.split(' ')[0] ?? '');
    if (!Number.isNaN(limit)) lines = lines.filter((l) => Date.parse(l.split(' ')[0] ?? '') < limit);
  }
  return lines.filter((l) => l.trim() !== '' && parseLine(l).kind !== 'query').join('\n');
}

/** A log the server cannot give (container never started, pod gone): nothing to read, not a failure. */
function absent(err: unknown): boolean {
  return err instanceof ClusterApiError && (err.kind === 'bad-request' || err.kind === 'not-found');
}

async function readPod(ctx: GatherContext, pod: Pod): Promise<PodLogs | undefined> {
  const namespace = pod.metadata.namespace ?? DNS_NAMESPACE;
  const name = pod.metadata.name;
  const container = dnsContainer(pod);
  const base = { timestamps: true, ...(container ? { container } : {}) };
  const restarted = (pod.status?.containerStatuses ?? []).some(
    (c) => c.name === container && c.restartCount > 0,
  );
  const previous = restarted
    ? ctx.reader.podLog(namespace, name, { ...base, previous: true, tailLines: TAIL_LINES }).catch((err) => {
        if (absent(err)) return undefined;
        throw err;
      })
    : Promise.resolve(undefined);
  // Read in parallel with the tail: mark it handled now, its error still surfaces when awaited.
  previous.catch(() => undefined);
  let tail: string;
  try {
    tail = await ctx.reader.podLog(namespace, name, { ...base, tailLines: TAIL_LINES });
  } catch (err) {
    if (absent(err)) return undefined;
    throw err;
  }
  const out: PodLogs = { source: `${namespace}/${name}`, tail };
  const prev = await previous;
  if (prev !== undefined) out.previous = prev;
  if (floodsTail(summarise(tail, out.source, undefined).summary)) {
    const wide = await ctx.reader.podLog(namespace, name, {
      ...base,
      sinceSeconds: WIDE_WINDOW_SECONDS,
      limitBytes: WIDE_LIMIT_BYTES,
    });
    out.earlier = earlierNonQueryLines(wide, tail);
  }
  return out;
}

export function corednsLogs(ctx: GatherContext): Promise<Gathered<LogSummary>> {
  return ctx.once('corednsLogs', () =>
    attempt(async () => {
      const pods = need(await dnsPods(ctx), 'the cluster DNS pods');
      if (pods.length === 0) cannotSee('no cluster DNS pods to read logs from');
      const results = await Promise.allSettled(pods.map((p) => readPod(ctx, p)));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      // A 403 is the same for every pod: report the rule rather than a partial summary.
      const forbidden = failures.find((e) => e instanceof ClusterApiError && e.kind === 'forbidden');
      if (forbidden) throw forbidden;
      const logs = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
      if (logs.length === 0) {
        if (failures.length > 0) throw failures[0];
        cannotSee('no cluster DNS container has started: no logs yet');
      }
      // The domain only sorts names into cluster/external; the logs do not wait for it.
      const dns = await clusterDns(ctx);
      const domain = dns.ok ? dns.value.clusterDomain : undefined;
      const parts: PartialSummary[] = [];
      for (const l of logs) {
        if (l.previous) parts.push(summarise(l.previous, `${l.source} (previous)`, domain));
        if (l.earlier) parts.push(summarise(l.earlier, `${l.source} (earlier errors)`, domain));
        parts.push(summarise(l.tail, l.source, domain));
      }
      return mergePartials(parts, { separateLogs: true });
    }),
  );
}
