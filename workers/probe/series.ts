import type { Hop, ProbeResult } from '../../playbooks/model/evidence.js';
import type { Dialer } from './dialer.js';
import { finalOutcome, isAnswer, type QueryOutcome, type QuerySpec, query, totalMs } from './query.js';
import { assertValid, countProblem, formatServer, type ServerAddress } from './validate.js';

/** The cluster address probed, and which hop of the guide's table it stands for, seen from where. */
export interface ProbeTarget extends ServerAddress {
  hop: Hop;
  side: 'client' | 'coredns';
}

/** Enough in flight that a silent hop costs about one timeout, few enough not to flood a server. */
const DEFAULT_CONCURRENCY = 20;

/**
 * `count` identical queries, `concurrency` at a time (each its own socket and id), summed up as
 * the guide's connectivity table needs: how many were answered and with what, how many timed out.
 * Not on batch.ts's shared socket on purpose: a fresh source port per query spreads the series over
 * the Service's backends (one conntrack entry each) and keeps per-query ICMP and TC-then-TCP results.
 */
export async function probeSeries(
  dialer: Dialer,
  target: ProbeTarget,
  q: QuerySpec,
  count: number,
  concurrency = DEFAULT_CONCURRENCY,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  assertValid(countProblem(count));
  assertValid(countProblem(concurrency)?.replace(/^count/, 'concurrency'));
  const server: ServerAddress = { host: target.host, port: target.port };
  const outcomes: QueryOutcome[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      outcomes[i] = await query(dialer, server, q, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return summarize(target, q, outcomes);
}

export function summarize(target: ProbeTarget, q: QuerySpec, outcomes: QueryOutcome[]): ProbeResult {
  const rcodes: Record<string, number> = {};
  const latencies: number[] = [];
  let answered = 0;
  let timeouts = 0;
  let truncated = 0;
  for (const outcome of outcomes) {
    if (isAnswer(outcome) && outcome.tc && outcome.transport === 'udp') truncated++;
    const final = finalOutcome(outcome);
    if (isAnswer(final)) {
      answered++;
      rcodes[final.rcode] = (rcodes[final.rcode] ?? 0) + 1;
      latencies.push(totalMs(outcome));
    } else if (final.error === 'timeout') {
      timeouts++;
    }
  }
  const result: ProbeResult = {
    hop: target.hop,
    side: target.side,
    server: formatServer(target),
    name: q.name,
    qtype: q.type,
    transport: q.transport,
    attempts: outcomes.length,
    answered,
    rcodes,
    timeouts,
    truncated,
  };
  if (latencies.length > 0) result.latencyMs = percentiles(latencies);
  const sample = pickSample(outcomes);
  if (sample !== undefined) result.sample = sample;
  return result;
}

/** Nearest-rank percentiles, so each is a latency really observed. */
export function percentiles(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 };
}

/** The evidence worth showing: the first failure or error code if any, else the first answer. */
function pickSample(outcomes: QueryOutcome[]): string | undefined {
  const bad = outcomes.find((o) => {
    const final = finalOutcome(o);
    return !isAnswer(final) || final.rcode !== 'NOERROR';
  });
  const chosen = bad ?? outcomes[0];
  return chosen === undefined ? undefined : describeOutcome(chosen);
}

/** `NOERROR aa: A 10.0.0.1` or `timeout after 500 ms`, with the TCP retry after a truncated answer. */
export function describeOutcome(outcome: QueryOutcome): string {
  if (!isAnswer(outcome)) {
    const detail = outcome.detail === undefined ? '' : ` (${outcome.detail})`;
    return `${outcome.error} over ${outcome.transport} after ${Math.round(outcome.ms)} ms${detail}`;
  }
  const flags = [outcome.aa ? 'aa' : '', outcome.tc ? 'tc' : ''].filter(Boolean).join(' ');
  const head = `${outcome.rcode}${flags ? ` ${flags}` : ''} over ${outcome.transport}`;
  const body = outcome.answers.length > 0 ? `: ${outcome.answers.join(', ')}` : '';
  const retry = outcome.tcpRetry === undefined ? '' : `; retried: ${describeOutcome(outcome.tcpRetry)}`;
  return `${head}${body}${retry}`;
}
