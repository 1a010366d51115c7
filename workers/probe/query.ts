import type { Dialer } from './dialer.js';
import { type Failure, type Leg, type Outgoing, tcpExchange, udpExchange } from './exchange.js';
import { assertValid, nameProblem, type ServerAddress, serverProblem, timeoutProblem } from './validate.js';
import { encodeQuery, matchAnswer, type Question, randomId, type Summary } from './wire.js';

export interface QuerySpec extends Question {
  transport: 'udp' | 'tcp';
  /** EDNS0 with a 1232-byte UDP buffer; default true. */
  edns?: boolean;
  /** Per leg: a TCP retry after truncation gets its own timeout. */
  timeoutMs: number;
}

export interface DnsAnswer extends Summary {
  transport: 'udp' | 'tcp';
  /** This leg only; a TCP retry reports its own. */
  ms: number;
  /** A UDP answer with TC was retried over TCP: that result, which is what a client ends up with. */
  tcpRetry?: QueryOutcome;
}

export interface DnsFailure {
  error: Failure;
  transport: 'udp' | 'tcp';
  ms: number;
  detail?: string;
}

export type QueryOutcome = DnsAnswer | DnsFailure;

export function isAnswer(outcome: QueryOutcome): outcome is DnsAnswer {
  return 'rcode' in outcome;
}

/** What the client is left with: the TCP retry when there was one. */
export function finalOutcome(outcome: QueryOutcome): QueryOutcome {
  return isAnswer(outcome) && outcome.tcpRetry !== undefined ? outcome.tcpRetry : outcome;
}

/** Time the client waited in all: the UDP leg plus the TCP retry. */
export function totalMs(outcome: QueryOutcome): number {
  return outcome.ms + (isAnswer(outcome) && outcome.tcpRetry !== undefined ? outcome.tcpRetry.ms : 0);
}

/**
 * One query to `server` (a cluster address), sent where the dialer says. Invalid input and a
 * dialer's refusal throw (our bug or setup, not the cluster's); everything the network does is
 * a result. A fresh socket and a random id per query, the socket always closed.
 */
export async function query(
  dialer: Dialer,
  server: ServerAddress,
  q: QuerySpec,
  signal?: AbortSignal,
): Promise<QueryOutcome> {
  checkSpec(server, q.name, q.timeoutMs);
  const edns = q.edns ?? true;
  if (q.transport === 'tcp') return overTcp(dialer, server, q, edns, signal);
  const dest = dialer.route(server, 'udp');
  const [leg] = await udpExchange(dest, [outgoing(q, edns)], q.timeoutMs, signal);
  return withRetry(dialer, server, q, edns, toOutcome(leg!, 'udp'), signal);
}

export interface PairOutcome {
  mode: 'same-socket' | 'separate';
  a: QueryOutcome;
  aaaa: QueryOutcome;
}

/**
 * A and AAAA for `name`, either from ONE socket back to back (glibc's default, which meets the
 * conntrack insert race behind DNAT: one of the two may be lost) or from two sockets (what
 * `single-request-reopen` does), so the two modes side by side show the race.
 */
export async function pairQuery(
  dialer: Dialer,
  server: ServerAddress,
  name: string,
  mode: 'same-socket' | 'separate',
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PairOutcome> {
  checkSpec(server, name, timeoutMs);
  const a: QuerySpec = { name, type: 'A', transport: 'udp', timeoutMs };
  const aaaa: QuerySpec = { ...a, type: 'AAAA' };
  if (mode === 'separate') {
    const [ra, raaaa] = await Promise.all([
      query(dialer, server, a, signal),
      query(dialer, server, aaaa, signal),
    ]);
    return { mode, a: ra, aaaa: raaaa };
  }
  const dest = dialer.route(server, 'udp');
  const [la, laaaa] = await udpExchange(dest, [outgoing(a, true), outgoing(aaaa, true)], timeoutMs, signal);
  const [ra, raaaa] = await Promise.all([
    withRetry(dialer, server, a, true, toOutcome(la!, 'udp'), signal),
    withRetry(dialer, server, aaaa, true, toOutcome(laaaa!, 'udp'), signal),
  ]);
  return { mode, a: ra, aaaa: raaaa };
}

function checkSpec(server: ServerAddress, name: string, timeoutMs: number): void {
  assertValid(serverProblem(server) ?? nameProblem(name) ?? timeoutProblem(timeoutMs));
}

function outgoing(q: Question, edns: boolean): Outgoing {
  const id = randomId();
  return { bytes: encodeQuery(id, q, edns), accept: (reply) => matchAnswer(reply, id, q) };
}

async function overTcp(
  dialer: Dialer,
  server: ServerAddress,
  q: QuerySpec,
  edns: boolean,
  signal: AbortSignal | undefined,
): Promise<QueryOutcome> {
  const dest = dialer.route(server, 'tcp');
  return toOutcome(await tcpExchange(dest, outgoing(q, edns), q.timeoutMs, signal), 'tcp');
}

/** A truncated UDP answer is retried over TCP, as every stub resolver should. */
async function withRetry(
  dialer: Dialer,
  server: ServerAddress,
  q: QuerySpec,
  edns: boolean,
  udp: QueryOutcome,
  signal: AbortSignal | undefined,
): Promise<QueryOutcome> {
  if (!isAnswer(udp) || !udp.tc) return udp;
  return { ...udp, tcpRetry: await overTcp(dialer, server, q, edns, signal) };
}

function toOutcome(leg: Leg, transport: 'udp' | 'tcp'): QueryOutcome {
  const ms = Math.round(leg.ms * 10) / 10;
  if ('summary' in leg) return { ...leg.summary, transport, ms };
  return leg.detail === undefined
    ? { error: leg.error, transport, ms }
    : { error: leg.error, transport, ms, detail: leg.detail };
}
