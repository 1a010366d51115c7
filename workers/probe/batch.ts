import { randomFillSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dialer } from './dialer.js';
import { classify, type Failure } from './exchange.js';
import { percentiles } from './series.js';
import { assertValid, nameProblem, type ServerAddress, serverProblem, timeoutProblem } from './validate.js';
import { encodeQuery, matchHeader, type Question, questionBytes, rcodeName } from './wire.js';

/**
 * Many UDP queries from ONE socket, `outstanding` in flight at a time: the throughput path.
 * Probing proper keeps a fresh socket per query (query.ts): a fixed source port pins every query
 * to one conntrack entry, hence one backend behind a Service, which hides what probes look for.
 */
export interface BatchSpec {
  /** Asked in turn, round robin. */
  questions: Question[];
  outstanding: number;
  /** Per query; a query counts as timed out at most one sweep (a quarter of this) late. */
  timeoutMs: number;
  /** EDNS0 as in query.ts; default true. */
  edns?: boolean;
  /** Stop sending after this many queries, or after durationMs, whichever comes first. */
  count?: number;
  durationMs?: number;
  signal?: AbortSignal;
}

export interface BatchResult {
  sent: number;
  answered: number;
  timeouts: number;
  /** In flight when a socket error or an abort ended the batch. */
  failed: number;
  /** Replies no query in flight claimed: late, duplicated, forged, or for another question. */
  ignored: number;
  /** Answers with TC set: counted as answered, not retried over TCP here. */
  truncated: number;
  rcodes: Record<string, number>;
  /** From the first send to the last answer or timeout. */
  elapsedMs: number;
  latencyMs?: { p50: number; p95: number; max: number };
  /** What ended the batch early: a socket error (ICMP refused, ...) or the signal. */
  failure?: { error: Failure; detail?: string };
}

export const MAX_OUTSTANDING = 1024;
export const MAX_BATCH_COUNT = 100_000_000;
export const MAX_BATCH_DURATION_MS = 600_000;

const NO_SLOT = -1;

/**
 * Runs the batch to its end. Input problems and a dialer's refusal throw before any socket
 * exists, so a refused route never sends; everything the network does is counted.
 */
export async function runBatch(dialer: Dialer, server: ServerAddress, spec: BatchSpec): Promise<BatchResult> {
  assertValid(batchProblem(server, spec));
  const dest = dialer.route(server, 'udp');
  const edns = spec.edns ?? true;
  const count = spec.count ?? MAX_BATCH_COUNT;
  const durationMs = spec.durationMs ?? MAX_BATCH_DURATION_MS;
  const { questions, outstanding, timeoutMs, signal } = spec;
  const templates = questions.map((q) => encodeQuery(0, q, edns));
  const echoes = templates.map(questionBytes);

  return new Promise((resolve) => {
    const socket = createSocket(isIP(dest.host) === 6 ? 'udp6' : 'udp4');
    const ids = new IdPool(timeoutMs);
    // Per slot: the id in flight (NO_SLOT when idle), its question, when it was sent.
    const slotId = new Int32Array(outstanding).fill(NO_SLOT);
    const slotQuestion = new Int32Array(outstanding);
    const slotSentAt = new Float64Array(outstanding);
    // Each slot's own copy of each template, so sending only patches the id; a slot is reused
    // only after an answer or a timeout, when the kernel has long copied the previous packet.
    // Past ~64k copies (a few MB) each send copies its template instead.
    const cache = outstanding * templates.length <= 0x10000;
    const slotBuffers: (Buffer | undefined)[][] = Array.from({ length: outstanding }, () => []);
    const latencies: number[] = [];
    const rcodes = new Uint32Array(16);
    let sent = 0;
    let answered = 0;
    let timeouts = 0;
    let ignored = 0;
    let truncated = 0;
    let active = 0;
    let nextQuestion = 0;
    let started = 0;
    let deadline = 0;
    let lastEvent = 0;
    let done = false;
    let failure: BatchResult['failure'];

    const sendFrom = (slot: number, now: number) => {
      const q = nextQuestion;
      nextQuestion = (nextQuestion + 1) % templates.length;
      let buf = slotBuffers[slot]![q];
      if (buf === undefined) {
        buf = Buffer.from(templates[q]!);
        if (cache) slotBuffers[slot]![q] = buf;
      }
      const id = ids.take(slot);
      buf.writeUInt16BE(id, 0);
      slotId[slot] = id;
      slotQuestion[slot] = q;
      slotSentAt[slot] = now;
      active++;
      sent++;
      socket.send(buf, onSent);
    };

    // A slot just freed sends the next query, unless the batch is over; the last one ends it.
    const release = (slot: number, now: number) => {
      slotId[slot] = NO_SLOT;
      active--;
      lastEvent = now;
      if (!done && sent < count && now < deadline) sendFrom(slot, now);
      else if (active === 0) finish();
    };

    socket.on('message', (reply: Buffer) => {
      if (reply.length < 12) return void ignored++;
      const id = reply.readUInt16BE(0);
      const slot = ids.owner(id);
      if (slot === NO_SLOT) return void ignored++;
      const rcode = matchHeader(reply, id, echoes[slotQuestion[slot]!]!);
      if (rcode < 0) return void ignored++;
      const now = performance.now();
      answered++;
      rcodes[rcode]!++;
      if ((reply[2]! & 0x02) !== 0) truncated++;
      latencies.push(now - slotSentAt[slot]!);
      ids.free(id, now, false);
      release(slot, now);
    });

    // One sweep for all timeouts instead of a timer per query.
    const sweep = () => {
      const now = performance.now();
      for (let slot = 0; slot < outstanding; slot++) {
        const id = slotId[slot]!;
        if (id === NO_SLOT || now - slotSentAt[slot]! < timeoutMs) continue;
        timeouts++;
        ids.free(id, now, true);
        release(slot, now);
      }
    };
    const sweeper = setInterval(sweep, Math.max(5, Math.min(250, timeoutMs / 4)));

    const finish = (why?: BatchResult['failure']) => {
      if (done) return;
      done = true;
      failure ??= why;
      clearInterval(sweeper);
      signal?.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        // already closed by an error: nothing left to release
      }
      const result: BatchResult = {
        sent,
        answered,
        timeouts,
        failed: active,
        ignored,
        truncated,
        rcodes: Object.fromEntries(
          [...rcodes.entries()].filter(([, n]) => n > 0).map(([c, n]) => [rcodeName(c), n]),
        ),
        elapsedMs: Math.max(0, (active > 0 ? performance.now() : lastEvent) - started),
      };
      if (latencies.length > 0) result.latencyMs = percentiles(latencies);
      if (failure !== undefined) result.failure = failure;
      resolve(result);
    };
    const onAbort = () => finish({ error: 'aborted' });
    const onError = (err: NodeJS.ErrnoException) => finish({ error: classify(err), detail: err.message });
    // Node drops a failed send's error unless the send has a callback: with packets back to back,
    // the ICMP refusal reaches the next send(), not a receive, and would be lost.
    const onSent = (err: Error | null) => {
      if (err !== null) onError(err);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    if (signal?.aborted) return onAbort();
    socket.connect(dest.port, dest.host, () => {
      if (done) return;
      started = performance.now();
      lastEvent = started;
      deadline = started + durationMs;
      for (let slot = 0; slot < outstanding && sent < count; slot++) sendFrom(slot, started);
    });
  });
}

/**
 * Random ids (crypto, drawn in bulk), unique among queries in flight. A timed-out id stays out of
 * use for one more timeout, so its late answer is ignored rather than taken for a new query's.
 */
class IdPool {
  private readonly slots = new Int32Array(0x10000).fill(NO_SLOT);
  private readonly retiredUntil = new Float64Array(0x10000);
  private readonly random = Buffer.alloc(4096);
  private at = this.random.length;

  constructor(private readonly quarantineMs: number) {}

  take(slot: number): number {
    const now = performance.now();
    for (;;) {
      if (this.at >= this.random.length) {
        randomFillSync(this.random);
        this.at = 0;
      }
      const id = this.random.readUInt16BE(this.at);
      this.at += 2;
      if (this.slots[id] === NO_SLOT && this.retiredUntil[id]! <= now) {
        this.slots[id] = slot;
        return id;
      }
    }
  }

  owner(id: number): number {
    return this.slots[id]!;
  }

  free(id: number, now: number, timedOut: boolean): void {
    this.slots[id] = NO_SLOT;
    if (timedOut) this.retiredUntil[id] = now + this.quarantineMs;
  }
}

function batchProblem(server: ServerAddress, spec: BatchSpec): string | undefined {
  if (spec.questions.length === 0) return 'a batch needs at least one question';
  const { outstanding, count, durationMs } = spec;
  return (
    serverProblem(server) ??
    spec.questions.map((q) => nameProblem(q.name)).find((p) => p !== undefined) ??
    timeoutProblem(spec.timeoutMs) ??
    (!Number.isInteger(outstanding) || outstanding < 1 || outstanding > MAX_OUTSTANDING
      ? `outstanding ${outstanding} must be a whole number from 1 to ${MAX_OUTSTANDING}`
      : undefined) ??
    (count !== undefined && (!Number.isInteger(count) || count < 1 || count > MAX_BATCH_COUNT)
      ? `count ${count} must be a whole number from 1 to ${MAX_BATCH_COUNT}`
      : undefined) ??
    (durationMs !== undefined &&
    (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > MAX_BATCH_DURATION_MS)
      ? `duration ${durationMs} ms must be above 0 and at most ${MAX_BATCH_DURATION_MS / 1000} s`
      : undefined)
  );
}
