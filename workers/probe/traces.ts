/**
 * Resolver traces measured, not guessed: every query glibc or musl could send for a name through
 * this resolv.conf is really sent (once, in parallel), and the libc's own walk (search list,
 * ndots, server order) is then replayed over those real answers by the resolver emulation.
 */
import type { ResolverTrace } from '../../playbooks/model/evidence.js';
import type { ResolvConf } from '../../playbooks/parsers/resolv-conf-types.js';
import { emulate } from '../../playbooks/resolver/emulate.js';
import { plannedQueries } from '../../playbooks/resolver/plan.js';
import type { Libc, Qtype } from '../../playbooks/resolver/settings.js';
import type { ServerOutcome } from '../../playbooks/resolver/types.js';
import type { Dialer } from './dialer.js';
import { finalOutcome, isAnswer, query } from './query.js';
import { message } from './run-series.js';

const LIBCS: Libc[] = ['glibc', 'musl'];

export interface TraceRun {
  traces: ResolverTrace[];
  /** Queries that could not be sent (a refused address), counted as silence in the walk. */
  skipped: string[];
}

export async function traceLookups(
  dialer: Dialer,
  rc: ResolvConf,
  names: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<TraceRun> {
  const wanted = new Map<string, { server: string; name: string; qtype: Qtype }>();
  for (const name of names) {
    for (const libc of LIBCS) {
      for (const c of plannedQueries(rc, name, libc).perCandidate) {
        for (const q of c.queries) {
          for (const server of new Set(q.servers)) {
            wanted.set(key(server, q.name, q.qtype), { server, name: q.name, qtype: q.qtype });
          }
        }
      }
    }
  }
  const skipped: string[] = [];
  const outcomes = new Map<string, ServerOutcome>();
  await Promise.all(
    [...wanted].map(async ([k, q]) => {
      outcomes.set(k, await ask(dialer, q, timeoutMs, signal, skipped));
    }),
  );
  const answer = (server: string, name: string, qtype: Qtype): ServerOutcome =>
    outcomes.get(key(server, name, qtype)) ?? 'timeout';
  const traces = names.flatMap((name) =>
    LIBCS.map((libc) => {
      const { elapsedSeconds: _elapsed, ...trace } = emulate(rc, name, libc, answer);
      return trace;
    }),
  );
  return { traces, skipped: [...new Set(skipped)] };
}

async function ask(
  dialer: Dialer,
  q: { server: string; name: string; qtype: Qtype },
  timeoutMs: number,
  signal: AbortSignal | undefined,
  skipped: string[],
): Promise<ServerOutcome> {
  try {
    const spec = { name: q.name, type: q.qtype, transport: 'udp' as const, timeoutMs };
    const outcome = finalOutcome(await query(dialer, { host: q.server, port: 53 }, spec, signal));
    if (!isAnswer(outcome)) return 'timeout';
    if (outcome.rcode === 'NOERROR') return 'answer';
    return outcome.rcode === 'NXDOMAIN' ? 'nxdomain' : 'servfail';
  } catch (err) {
    // Nothing was sent: to the libc this server is as silent as one that never answers.
    skipped.push(`trace ${q.qtype} ${q.name} @${q.server}: ${message(err)}`);
    return 'timeout';
  }
}

const key = (server: string, name: string, qtype: string) => `${server} ${name} ${qtype}`;
