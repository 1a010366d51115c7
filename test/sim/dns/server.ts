import { performance } from 'node:perf_hooks';
import { decode, type Packet } from 'dns-packet';
import type { DnsServerBehaviour } from '../scenario/types.js';
import { isLoopbackAddress } from './address-map.js';
import { compileZone, normalizeName } from './records.js';
import { answerQuery, type DecodedQuery, encodeForUdp, udpLimit } from './responder.js';
import { listenDns } from './transport.js';
import { encodeStreamResponse } from './wire.js';

export interface QueryRecord {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  id: number;
  /** The rcode sent, or 'dropped' (lost on the way), 'silent' (the server chose not to answer), 'malformed'. */
  answered: string;
  /** `ip:port` the query came from (the conntrack tuple's source). */
  source: string;
  /** Set when the UDP answer went out with TC and no records (too big for the client). */
  truncated?: true;
}

export interface SimDnsServer {
  udpPort: number;
  tcpPort: number;
  host: string;
  /** Every query received, in arrival order, with what happened to it (decided on arrival). */
  queries: QueryRecord[];
  close(): Promise<void>;
}

/** The conntrack race needs both queries of a pair within this window from one socket. */
const PAIR_WINDOW_MS = 50;

/**
 * Starts one simulated DNS server: UDP and TCP on the same loopback host, each on a free port
 * (the same number when it is free for both, see listenDns).
 */
export async function startDnsServer(
  behaviour: DnsServerBehaviour,
  options: { host?: string } = {},
): Promise<SimDnsServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) throw new Error(`simulated DNS servers listen on loopback only, not ${host}`);
  checkNumbers(behaviour);
  const zone = compileZone(behaviour);
  const queries: QueryRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const pairs = new PairTracker();
  let counted = 0; // queries dropEvery counts

  /**
   * Decides a query's fate and encodes the answer on arrival (so the log is exact at once and a
   * query that decodes but cannot be answered is caught here), then writes it after the latency.
   */
  function handle(bytes: Buffer, transport: 'udp' | 'tcp', source: string, write: (bytes: Buffer) => void) {
    let query: DecodedQuery | undefined;
    try {
      query = decode(bytes);
    } catch {
      query = undefined;
    }
    // A response sent to a server is as meaningless as garbage: both are ignored, never answered.
    if (query === undefined || query.type === 'response') {
      const id = bytes.length >= 2 ? bytes.readUInt16BE(0) : 0;
      queries.push({ name: '', type: '', transport, id, answered: 'malformed', source });
      return;
    }
    const question = query.questions?.[0];
    const record: QueryRecord = {
      name: question?.name ?? '',
      type: question?.type ?? '',
      transport,
      id: query.id ?? 0,
      answered: '',
      source,
    };
    queries.push(record);
    // Network loss first (counted over the queries of the transports it hits), then the conntrack race (UDP only).
    const lossHere = behaviour.dropOnly === undefined || behaviour.dropOnly === transport;
    if (lossHere) counted++;
    const lost = lossHere && behaviour.dropEvery !== undefined && counted % behaviour.dropEvery === 0;
    const raced =
      transport === 'udp' &&
      behaviour.dropSameSocketPair === true &&
      question !== undefined &&
      pairs.isSecondOfPair(source, question.name, question.type);
    if (lost || raced) {
      record.answered = 'dropped';
      return;
    }
    const silentHere = behaviour.silent === transport || behaviour.silent === 'both';
    const reply = silentHere ? ({ kind: 'silent' } as const) : answerQuery(query, zone, behaviour.otherwise);
    if (reply.kind === 'silent') {
      record.answered = 'silent';
      return;
    }
    let out: Buffer;
    try {
      const encoded = encodeFor(transport, reply.packet, query);
      out = encoded.bytes;
      if (encoded.truncated) record.truncated = true;
    } catch {
      record.answered = 'malformed'; // e.g. a question dns-packet decodes but cannot write back
      return;
    }
    record.answered = reply.rcode;
    const latency = behaviour.latencyMs ?? 0;
    if (latency <= 0) return write(out);
    const timer = setTimeout(() => {
      timers.delete(timer);
      write(out);
    }, latency);
    timers.add(timer);
  }

  /** UDP answers are cut to what this client accepts; TCP ones are always whole, length-framed. */
  function encodeFor(transport: 'udp' | 'tcp', packet: Packet, query: DecodedQuery) {
    if (transport === 'tcp') return { bytes: encodeStreamResponse(packet), truncated: false };
    return encodeForUdp(packet, udpLimit(query, behaviour.truncateAbove));
  }

  const listeners = await listenDns(
    host,
    (message, source, reply) => handle(message, 'udp', source, reply),
    (message, source, reply) => handle(message, 'tcp', source, reply),
  );
  let closed: Promise<void> | undefined;
  return {
    host,
    udpPort: listeners.udpPort,
    tcpPort: listeners.tcpPort,
    queries,
    close() {
      closed ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await listeners.close();
      })();
      return closed;
    },
  };
}

/** A typo'd number would silently disable a fault; refuse it at start instead. */
function checkNumbers(b: DnsServerBehaviour): void {
  if (b.dropEvery !== undefined && !(Number.isInteger(b.dropEvery) && b.dropEvery >= 1)) {
    throw new Error(`dropEvery must be a positive integer, got ${b.dropEvery}`);
  }
  if (b.latencyMs !== undefined && !(b.latencyMs >= 0)) {
    throw new Error(`latencyMs must be >= 0, got ${b.latencyMs}`);
  }
  if (b.truncateAbove !== undefined && !(b.truncateAbove >= 12)) {
    throw new Error(`truncateAbove must be at least a DNS header (12 bytes), got ${b.truncateAbove}`);
  }
}

/**
 * The conntrack race: glibc sends A and AAAA back to back from one socket; through DNAT one
 * conntrack insert fails and that packet is lost. Only the opposite type from the same
 * source address and port within the window is the second of a pair.
 */
class PairTracker {
  readonly #last = new Map<string, { type: string; at: number }>();

  isSecondOfPair(source: string, name: string, type: string): boolean {
    if (type !== 'A' && type !== 'AAAA') return false;
    const key = `${source} ${normalizeName(name)}`;
    const now = performance.now();
    const previous = this.#last.get(key);
    if (previous !== undefined && previous.type !== type && now - previous.at <= PAIR_WINDOW_MS) {
      this.#last.delete(key); // the pair is complete: a third query starts a new one
      return true;
    }
    this.#last.set(key, { type, at: now });
    if (this.#last.size > 1024) this.#prune(now);
    return false;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#last) if (now - entry.at > PAIR_WINDOW_MS) this.#last.delete(key);
  }
}
