import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialer } from '../../../workers/probe/dialer.js';
import { connectSeries } from '../../../workers/probe/tcp-connect.js';

let server: Server;
let open = 0;
let accepted = 0;
beforeAll(async () => {
  server = createServer((s) => {
    accepted++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Routes the API server's cluster address to a loopback port, as the simulator's map does. */
const to = (port: number): Dialer => ({ route: () => ({ host: '127.0.0.1', port }) });
const target = { host: '10.96.0.1', port: 443, hop: 'apiserver' as const, side: 'coredns' as const };

describe('connectSeries', () => {
  it('counts the connects that succeed, with latency', async () => {
    const before = accepted;
    const r = await connectSeries(to(open), target, 5, 1000);
    expect(r).toMatchObject({
      hop: 'apiserver',
      server: '10.96.0.1:443',
      attempts: 5,
      answered: 5,
      timeouts: 0,
    });
    expect(r.latencyMs?.max).toBeLessThan(1000);
    expect(r.sample).toMatch(/^connected in \d+ ms$/);
    await new Promise((res) => setTimeout(res, 20));
    expect(accepted - before).toBe(5);
  });

  it('a closed port: every connect refused, said in the sample', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await connectSeries(to(port), target, 3, 1000);
    expect(r).toMatchObject({ attempts: 3, answered: 0 });
    expect(r.sample).toMatch(/^refused after \d+ ms \(ECONNREFUSED\)$/);
  });

  it('a dialer that refuses sends nothing and throws', async () => {
    const refusing: Dialer = {
      route: () => {
        throw new Error('refusing to send: unmapped');
      },
    };
    await expect(connectSeries(refusing, target, 1, 100)).rejects.toThrow(/unmapped/);
  });
});
