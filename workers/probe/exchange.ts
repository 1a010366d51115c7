import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ServerAddress } from './validate.js';
import type { Summary } from './wire.js';

/** Why a query got no answer. `refused`/`unreachable` come from ICMP or TCP RST, not from DNS. */
export type Failure = 'timeout' | 'refused' | 'unreachable' | 'reset' | 'aborted' | 'error';

/** One query on the wire: its bytes, and how to tell its answer from anything else received. */
export interface Outgoing {
  bytes: Buffer;
  accept(reply: Buffer): Summary | undefined;
}

export type Leg = { summary: Summary; ms: number } | { error: Failure; ms: number; detail?: string };

/**
 * Sends every message from ONE fresh UDP socket (a new random source port), back to back, and
 * waits for their answers until all came or the timeout. The socket is connected, so the kernel
 * drops packets from any other address and reports ICMP port-unreachable as ECONNREFUSED.
 * Whatever happens, the socket is closed and the timer cleared.
 */
export function udpExchange(
  dest: ServerAddress,
  messages: Outgoing[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Leg[]> {
  return new Promise((resolve) => {
    const started = performance.now();
    const sentAt: number[] = [];
    const results: (Leg | undefined)[] = messages.map(() => undefined);
    const socket = createSocket(isIP(dest.host) === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (rest: (ms: number) => Leg) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const ms = performance.now() - started;
      resolve(results.map((r) => r ?? rest(ms)));
      try {
        socket.close();
      } catch {
        // already closed by an error: nothing left to release
      }
    };
    const timer = setTimeout(() => finish((ms) => ({ error: 'timeout', ms })), timeoutMs);
    const onAbort = () => finish((ms) => ({ error: 'aborted', ms }));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish((ms) => ({ error: classify(err), ms, detail: err.message })),
    );
    socket.on('message', (reply: Buffer) => {
      const now = performance.now();
      for (const [i, message] of messages.entries()) {
        if (results[i] !== undefined) continue;
        const summary = message.accept(reply);
        if (summary === undefined) continue;
        results[i] = { summary, ms: now - (sentAt[i] ?? started) };
        // All answered: the filler for unanswered ones is never used.
        if (results.every((r) => r !== undefined)) finish((ms) => ({ error: 'error', ms }));
        return;
      }
    });
    if (signal?.aborted) return onAbort();
    socket.connect(dest.port, dest.host, () => {
      for (const [i, message] of messages.entries()) {
        sentAt[i] = performance.now();
        socket.send(message.bytes);
      }
    });
  });
}

/**
 * One query over a fresh TCP connection with the 2-byte length framing (RFC 7766). Replies may
 * arrive split or joined, so bytes accumulate until a whole frame is there.
 */
export function tcpExchange(
  dest: ServerAddress,
  message: Outgoing,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Leg> {
  return new Promise((resolve) => {
    const started = performance.now();
    let done = false;
    const finish = (leg: Leg) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      conn.destroy();
      resolve(leg);
    };
    const elapsed = () => performance.now() - started;
    const timer = setTimeout(() => finish({ error: 'timeout', ms: elapsed() }), timeoutMs);
    const onAbort = () => finish({ error: 'aborted', ms: elapsed() });
    signal?.addEventListener('abort', onAbort, { once: true });
    const conn = connect({ host: dest.host, port: dest.port });
    conn.on('error', (err: NodeJS.ErrnoException) =>
      finish({ error: classify(err), ms: elapsed(), detail: err.message }),
    );
    conn.on('close', () =>
      finish({ error: 'reset', ms: elapsed(), detail: 'connection closed before an answer' }),
    );
    conn.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(message.bytes.length);
      conn.write(Buffer.concat([length, message.bytes]));
    });
    let pending: Buffer = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const frame = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + frame.length);
        const summary = message.accept(frame);
        if (summary !== undefined) return finish({ summary, ms: elapsed() });
      }
    });
    if (signal?.aborted) onAbort();
  });
}

export function classify(err: NodeJS.ErrnoException): Failure {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    default:
      return 'error';
  }
}
