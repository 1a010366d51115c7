import type { ProbeResult } from '../../playbooks/model/evidence.js';
import type { Dialer } from './dialer.js';
import { type PairOutcome, pairQuery, type QueryOutcome, type QuerySpec, query } from './query.js';
import { type ProbeTarget, probeSeries } from './series.js';
import type { ServerAddress } from './validate.js';

/** The prober with its dialer fixed once, so no call can pick another route by mistake. */
export interface Prober {
  query(server: ServerAddress, q: QuerySpec, signal?: AbortSignal): Promise<QueryOutcome>;
  pairQuery(
    server: ServerAddress,
    name: string,
    mode: 'same-socket' | 'separate',
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<PairOutcome>;
  probeSeries(
    target: ProbeTarget,
    q: QuerySpec,
    count: number,
    concurrency?: number,
    signal?: AbortSignal,
  ): Promise<ProbeResult>;
}

export function createProber(dialer: Dialer): Prober {
  return {
    query: (server, q, signal) => query(dialer, server, q, signal),
    pairQuery: (server, name, mode, timeoutMs, signal) =>
      pairQuery(dialer, server, name, mode, timeoutMs, signal),
    probeSeries: (target, q, count, concurrency, signal) =>
      probeSeries(dialer, target, q, count, concurrency, signal),
  };
}
