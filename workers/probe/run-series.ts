/**
 * Runs planned series: the one code path shared by worker-local probing and the probe pod, so
 * both measure the same way. Whole series run at once (each with all its queries in flight), so a
 * silent hop costs one timeout; the bound limits how many series overlap.
 */
import type { ProbeResult } from '../../playbooks/model/evidence.js';
import type { Dialer } from './dialer.js';
import { pairQuery, type QueryOutcome, type QuerySpec } from './query.js';
import { type ProbeTarget, probeSeries, summarize } from './series.js';
import { assertValid, countProblem } from './validate.js';

export interface PlannedSeries {
  target: ProbeTarget;
  query: QuerySpec;
  /** Same-socket or separate-socket A/AAAA pairs instead of single queries. */
  pair?: 'same-socket' | 'separate';
}

export interface SeriesRun {
  /** One per series, in order; undefined where the series could not run (see `skipped`). */
  results: (ProbeResult | undefined)[];
  /** Series not run, with why (an unmapped address, an invalid name). */
  skipped: string[];
}

export const DEFAULT_MAX_IN_FLIGHT = 600;

/** Never throws for what the network or the dialer does: a refused series lands in `skipped`. */
export async function runPlannedSeries(
  dialer: Dialer,
  series: PlannedSeries[],
  count: number,
  maxInFlight = DEFAULT_MAX_IN_FLIGHT,
  signal?: AbortSignal,
): Promise<SeriesRun> {
  assertValid(countProblem(count));
  assertValid(countProblem(maxInFlight)?.replace(/^count/, 'maxInFlight'));
  const limit = limiter(Math.max(1, Math.floor(maxInFlight / count)));
  const skipped: string[] = [];
  const results = await Promise.all(
    series.map((s) =>
      limit(() => runSeries(dialer, s, count, signal)).then(
        (result) => result,
        (err: unknown) => {
          skipped.push(`${s.target.hop} ${s.target.host}:${s.target.port} ${s.query.name}: ${message(err)}`);
          return undefined;
        },
      ),
    ),
  );
  return { results, skipped: [...new Set(skipped)] };
}

async function runSeries(
  dialer: Dialer,
  s: PlannedSeries,
  count: number,
  signal: AbortSignal | undefined,
): Promise<ProbeResult> {
  // Ask the dialer first for both transports: an unmapped address fails the series before any query.
  dialer.route(s.target, 'udp');
  dialer.route(s.target, 'tcp');
  if (s.pair === undefined) return probeSeries(dialer, s.target, s.query, count, count, signal);
  const mode = s.pair;
  const pairs = await Promise.all(
    Array.from({ length: count }, () =>
      pairQuery(dialer, s.target, s.query.name, mode, s.query.timeoutMs, signal),
    ),
  );
  const outcomes: QueryOutcome[] = pairs.flatMap((p) => [p.a, p.aaaa]);
  return { ...summarize(s.target, s.query, outcomes), qtype: 'A+AAAA', mode };
}

/** At most `n` tasks at once, started in order. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiting one, so the bound holds.
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
