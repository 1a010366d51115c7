/** The query plan: what a libc would send for a name when every candidate is NXDOMAIN. */
import type { ResolvConf } from '../parsers/resolv-conf-types.js';
import { emulate } from './emulate.js';
import { candidates, type Families, type Libc, qtypesFor, resolverSettings } from './settings.js';
import { glibcServerOrder, glibcServerTimeout, muslRounds, muslTimeout } from './timing.js';
import type { QueryPlan } from './types.js';

export interface PlanOptions {
  families?: Families;
  /** glibc `rotate`: the starting server, which real glibc draws at random per query. */
  rotateOffset?: number;
}

export function plannedQueries(rc: ResolvConf, name: string, libc: Libc, opts: PlanOptions = {}): QueryPlan {
  const s = resolverSettings(rc, libc);
  const qtypes = qtypesFor(opts.families ?? 'both');
  const offset = opts.rotateOffset ?? 0;
  const glibcOrder = glibcServerOrder(s, offset);
  const sends =
    libc === 'glibc'
      ? glibcOrder.map((i) => s.servers[i] ?? '')
      : Array.from({ length: muslRounds(s) }, () => s.servers).flat();
  const list = candidates(s, name);
  const perCandidate = list.map((c) => ({
    name: c.name,
    phase: c.phase,
    queries: qtypes.map((qtype) => ({ name: c.name, qtype, servers: [...sends] })),
  }));
  const candidateTimeoutSeconds =
    libc === 'glibc' ? glibcOrder.reduce((sum, i) => sum + glibcServerTimeout(s, i), 0) : muslTimeout(s);
  // The silent case walks the libc's own rules (glibc still sends the final as-is query after a
  // timed-out search domain; musl stops at the first timed-out candidate).
  const silent = emulate(rc, name, libc, () => 'timeout', {
    families: opts.families ?? 'both',
    rotateOffset: offset,
  });
  return {
    libc,
    name,
    settings: s,
    candidates: list.map((c) => c.name),
    perCandidate,
    fanOut: libc === 'glibc' ? 'in-order' : 'parallel',
    candidateTimeoutSeconds,
    worstCaseSeconds: silent.elapsedSeconds,
  };
}
