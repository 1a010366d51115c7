/**
 * The shared-socket batch path with real sockets on 127.0.0.1: a small responder whose behaviour
 * each test picks (answer, stay silent, hold replies, send noise around the real answer).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { type DecodedPacket, decode, encode } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../../workers/probe/batch.js';
import { type Dialer, mapDialer } from '../../../workers/probe/dialer.js';
import type { Question } from '../../../workers/probe/wire.js';

const SERVER = { host: '10.96.0.10', port: 53 };
const A: Question = { name: 'a.batch.test', type: 'A' };
const B: Question = { name: 'b.batch.test', type: 'A' };

type Send = (bytes: Buffer, delayMs?: number) => void;

interface Responder {
  port: number;
  /** Every query received, decoded, in order. */
  queries: DecodedPacket[];
  close(): void;
}

const open: Responder[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

/** A UDP socket on 127.0.0.1 that calls `behave` for each query with a way to reply to its sender. */
async function responder(behave: (query: DecodedPacket, send: Send) => void): Promise<Responder> {
  const socket: Socket = createSocket('udp4');
  const queries: DecodedPacket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  socket.on('message', (bytes: Buffer, from: RemoteInfo) => {
    const query = decode(bytes);
    queries.push(query);
    behave(query, (reply, delayMs = 0) => {
      if (delayMs === 0) return socket.send(reply, from.port, from.address);
      const timer = setTimeout(() => socket.send(reply, from.port, from.address), delayMs);
      timers.add(timer);
    });
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  let closed = false;
  const r: Responder = {
    port: socket.address().port,
    queries,
    close: () => {
      for (const t of timers) clearTimeout(t);
      if (!closed) socket.close();
      closed = true;
    },
  };
  open.push(r);
  return r;
}

/** The answer to `query`, with its id, name or code changed where a test wants noise. */
function reply(query: DecodedPacket, change: { id?: number; name?: string; rcode?: number } = {}): Buffer {
  const q = query.questions![0]!;
  return encode({
    type: 'response',
    id: change.id ?? query.id!,
    flags: change.rcode ?? 0,
    questions: [{ ...q, name: change.name ?? q.name }],
    answers: [{ name: q.name, type: 'A', ttl: 5, data: '192.0.2.7' }],
  });
}

const dialerTo = (port: number): Dialer => mapDialer({ resolve: () => ({ host: '127.0.0.1', port }) });

describe('runBatch', () => {
  it('matches every answer on one socket, with the codes the server gave', async () => {
    const r = await responder((q, send) =>
      send(reply(q, { rcode: q.questions![0]!.name === B.name ? 3 : 0 })),
    );
    const result = await runBatch(dialerTo(r.port), SERVER, {
      questions: [A, B],
      outstanding: 16,
      timeoutMs: 1000,
      count: 200,
    });
    expect(result).toMatchObject({ sent: 200, answered: 200, timeouts: 0, failed: 0, ignored: 0 });
    expect(result.rcodes).toEqual({ NOERROR: 100, NXDOMAIN: 100 });
    expect(result.latencyMs!.max).toBeGreaterThan(0);
    expect(r.queries).toHaveLength(200);
    // EDNS by default, as the probes send.
    expect(r.queries[0]!.additionals?.[0]?.type).toBe('OPT');
  });

  it('ignores replies with another id, another question, or a duplicate, and takes the real one', async () => {
    const r = await responder((q, send) => {
      send(reply(q, { id: (q.id! + 1) & 0xffff }));
      send(reply(q, { name: 'other.batch.test' }));
      send(reply(q));
      send(reply(q));
    });
    // One in flight and questions alternating: a duplicate can never match the next query.
    const result = await runBatch(dialerTo(r.port), SERVER, {
      questions: [A, B],
      outstanding: 1,
      timeoutMs: 1000,
      count: 40,
      edns: false,
    });
    expect(result).toMatchObject({ sent: 40, answered: 40, timeouts: 0, rcodes: { NOERROR: 40 } });
    // Noise for the last query may arrive after the batch ended; all the rest was ignored.
    expect(result.ignored).toBeGreaterThanOrEqual(39 * 3);
    expect(r.queries[0]!.additionals ?? []).toHaveLength(0);
  });

  it('counts a timeout once and ignores its late answer', async () => {
    const r = await responder((q, send) => send(reply(q), q === r.queries[0] ? 250 : 0));
    const result = await runBatch(dialerTo(r.port), SERVER, {
      questions: [A, B],
      outstanding: 1,
      timeoutMs: 100,
      durationMs: 500,
    });
    expect(result.timeouts).toBe(1);
    expect(result.answered).toBe(result.sent - 1);
    expect(result.ignored).toBe(1);
  });

  it('counts every query as timed out against a silent server, in about one timeout per round', async () => {
    const r = await responder(() => {});
    const result = await runBatch(dialerTo(r.port), SERVER, {
      questions: [A],
      outstanding: 4,
      timeoutMs: 50,
      count: 12,
    });
    expect(result).toMatchObject({ sent: 12, answered: 0, timeouts: 12, rcodes: {} });
    expect(result.latencyMs).toBeUndefined();
    expect(r.queries).toHaveLength(12);
    // Three rounds of 4, each up to one timeout plus one sweep late.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(150);
    expect(result.elapsedMs).toBeLessThan(1000);
  });

  it('keeps ids unique among the queries in flight, and random', async () => {
    const held: [DecodedPacket, Send][] = [];
    const groups: number[][] = [];
    // Answers only once all 32 in flight have arrived, so each group is exactly what was in flight.
    const r = await responder((q, send) => {
      held.push([q, send]);
      if (held.length < 32) return;
      groups.push(held.map(([x]) => x.id!));
      for (const [x, s] of held.splice(0)) s(reply(x));
    });
    const result = await runBatch(dialerTo(r.port), SERVER, {
      questions: [A],
      outstanding: 32,
      timeoutMs: 2000,
      count: 32 * 20,
    });
    expect(result.answered).toBe(640);
    expect(groups).toHaveLength(20);
    for (const ids of groups) expect(new Set(ids).size).toBe(32);
    expect(new Set(r.queries.map((q) => q.id)).size).toBeGreaterThan(600);
  });

  it('never sends when the route is refused or the input is invalid', async () => {
    const r = await responder((q, send) => send(reply(q)));
    const offLoopback = mapDialer({ resolve: () => ({ host: '192.0.2.1', port: r.port }) });
    const spec = { questions: [A], outstanding: 4, timeoutMs: 100, count: 4 };
    await expect(runBatch(offLoopback, SERVER, spec)).rejects.toThrow(/refusing to send DNS to 192\.0\.2\.1/);
    const refusing: Dialer = {
      route: () => {
        throw new Error('refusing to send DNS: not mapped');
      },
    };
    await expect(runBatch(refusing, SERVER, spec)).rejects.toThrow(/not mapped/);
    const ok = dialerTo(r.port);
    await expect(runBatch(ok, SERVER, { ...spec, outstanding: 0 })).rejects.toThrow(/outstanding 0/);
    await expect(runBatch(ok, SERVER, { ...spec, questions: [] })).rejects.toThrow(/at least one question/);
    await expect(runBatch(ok, SERVER, { ...spec, questions: [{ name: 'a..b', type: 'A' }] })).rejects.toThrow(
      /empty label/,
    );
    await expect(runBatch(ok, SERVER, { ...spec, timeoutMs: 5 })).rejects.toThrow(/timeout 5 ms/);
    expect(r.queries).toHaveLength(0);
  });

  it('ends early on a closed port (ICMP refused) and on abort, counting what was in flight', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((x) => /UDP/.test(x)).length;
    const r = await responder(() => {});
    const port = r.port;
    r.close();
    const closed = await runBatch(dialerTo(port), SERVER, {
      questions: [A],
      outstanding: 4,
      timeoutMs: 1000,
      count: 100,
    });
    expect(closed.failure?.error).toBe('refused');
    expect(closed.answered).toBe(0);
    expect(closed.failed + closed.timeouts).toBe(closed.sent);

    const silent = await responder(() => {});
    await new Promise((resolve) => setTimeout(resolve, 20)); // closed sockets finish closing
    const before = sockets();
    const controller = new AbortController();
    const pending = runBatch(dialerTo(silent.port), SERVER, {
      questions: [A],
      outstanding: 4,
      timeoutMs: 5000,
      count: 100,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending;
    expect(aborted).toMatchObject({ sent: 4, failed: 4, failure: { error: 'aborted' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sockets()).toBe(before);
  });
});
