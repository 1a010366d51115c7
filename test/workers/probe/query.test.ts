import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapDialer } from '../../../workers/probe/dialer.js';
import { type DnsAnswer, isAnswer, type QuerySpec, query } from '../../../workers/probe/query.js';
import { AddressMap, type SimDnsServers, startDnsServers } from '../../sim/dns/index.js';

const NAME = 'web.shop.svc.cluster.local';
const HEALTHY = { host: '10.96.0.10', port: 53 };
const SILENT = { host: '10.96.0.11', port: 53 };
const SLOW = { host: '10.96.0.12', port: 53 };
const SMALL_UDP = { host: '10.96.0.13', port: 53 };
const V6 = { host: 'fd00::10', port: 53 };
const BIG = { host: '10.96.0.14', port: 53 };
/** 60 A records: about 1000 bytes, over the classic 512 but within EDNS's 1232. */
const SIXTY = Array.from({ length: 60 }, (_, i) => `10.0.1.${i + 1}`);

let sim: SimDnsServers;
const udp = (extra: Partial<QuerySpec> = {}): QuerySpec => ({
  name: NAME,
  type: 'A',
  transport: 'udp',
  timeoutMs: 1000,
  ...extra,
});

beforeAll(async () => {
  const records = { [NAME]: { A: ['10.0.0.1'], AAAA: ['fd00::1'] } };
  sim = await startDnsServers({
    '10.96.0.10:53': {
      records,
      rcodes: { 'broken.example.com': 'SERVFAIL', 'private.example.com': 'REFUSED' },
    },
    '10.96.0.11:53': { records, silent: 'both' },
    '10.96.0.12:53': { records, latencyMs: 150 },
    '10.96.0.13:53': { records, truncateAbove: 40 },
    '[fd00::10]:53': { records },
    '10.96.0.14:53': { records: { [NAME]: { A: SIXTY } } },
  });
});
afterAll(() => sim.close());

const server = (address: string) => sim.servers.get(address)!;

describe('query against the simulator', () => {
  it('gets an A answer over UDP from a fresh socket with a random id', async () => {
    const dialer = mapDialer(sim.map);
    const before = server('10.96.0.10:53').queries.length;
    const results = [await query(dialer, HEALTHY, udp()), await query(dialer, HEALTHY, udp())];
    for (const result of results) {
      expect(result).toMatchObject({ rcode: 'NOERROR', answers: ['A 10.0.0.1'], tc: false, aa: true });
    }
    const seen = server('10.96.0.10:53').queries.slice(before);
    expect(seen.map((q) => [q.name, q.type, q.transport])).toEqual([
      [NAME, 'A', 'udp'],
      [NAME, 'A', 'udp'],
    ]);
    expect(new Set(seen.map((q) => q.source)).size).toBe(2);
  });

  it.each([
    ['nothing.example.com', 'NXDOMAIN'],
    ['broken.example.com', 'SERVFAIL'],
    ['private.example.com', 'REFUSED'],
  ])('reports %s as %s', async (name, rcode) => {
    const result = await query(mapDialer(sim.map), HEALTHY, udp({ name }));
    expect(result).toMatchObject({ rcode, answers: [] });
  });

  it('asks over TCP when told to', async () => {
    const result = await query(mapDialer(sim.map), HEALTHY, udp({ type: 'AAAA', transport: 'tcp' }));
    expect(result).toMatchObject({ rcode: 'NOERROR', answers: ['AAAA fd00::1'], transport: 'tcp' });
    expect(server('10.96.0.10:53').queries.at(-1)).toMatchObject({ type: 'AAAA', transport: 'tcp' });
  });

  it('reaches an IPv6 cluster address through the map', async () => {
    const result = await query(mapDialer(sim.map), V6, udp());
    expect(result).toMatchObject({ rcode: 'NOERROR', answers: ['A 10.0.0.1'] });
  });

  it('times out on a silent server after about the timeout, on both transports', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const started = performance.now();
      const result = await query(mapDialer(sim.map), SILENT, udp({ transport, timeoutMs: 200 }));
      const took = performance.now() - started;
      expect(result).toMatchObject({ error: 'timeout', transport });
      expect(took).toBeGreaterThanOrEqual(190);
      expect(took).toBeLessThan(600);
    }
  });

  it('retries a truncated UDP answer over TCP and reports both', async () => {
    const result = await query(mapDialer(sim.map), SMALL_UDP, udp());
    expect(result).toMatchObject({ rcode: 'NOERROR', tc: true, answers: [], transport: 'udp' });
    const retry = (result as DnsAnswer).tcpRetry;
    expect(retry).toMatchObject({ rcode: 'NOERROR', tc: false, answers: ['A 10.0.0.1'], transport: 'tcp' });
    expect(
      server('10.96.0.13:53')
        .queries.slice(-2)
        .map((q) => [q.transport, q.truncated ?? false]),
    ).toEqual([
      ['udp', true],
      ['tcp', false],
    ]);
  });

  it('advertises a 1232-byte EDNS buffer by default, and without EDNS gets TC above 512 bytes', async () => {
    const withEdns = await query(mapDialer(sim.map), BIG, udp());
    expect(withEdns).toMatchObject({ rcode: 'NOERROR', tc: false });
    expect((withEdns as DnsAnswer).answers).toHaveLength(60);
    const classic = await query(mapDialer(sim.map), BIG, udp({ edns: false }));
    expect(classic).toMatchObject({ tc: true, answers: [] });
    expect((classic as DnsAnswer).tcpRetry).toMatchObject({ rcode: 'NOERROR', transport: 'tcp' });
    expect(((classic as DnsAnswer).tcpRetry as DnsAnswer).answers).toHaveLength(60);
  });

  it('measures the latency the server adds', async () => {
    const result = await query(mapDialer(sim.map), SLOW, udp());
    expect(isAnswer(result)).toBe(true);
    expect(result.ms).toBeGreaterThanOrEqual(140);
    expect(result.ms).toBeLessThan(1000);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const result = await query(mapDialer(sim.map), SILENT, udp({ timeoutMs: 5000 }), controller.signal);
    expect(result).toMatchObject({ error: 'aborted' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an unmapped address before opening any socket', async () => {
    const counts = [...sim.servers.values()].map((s) => s.queries.length);
    await expect(query(mapDialer(sim.map), { host: '10.1.2.3', port: 53 }, udp())).rejects.toThrow(
      /refusing to send DNS to 10\.1\.2\.3:53/,
    );
    await expect(query(mapDialer(sim.map), { host: '10.96.0.10', port: 5353 }, udp())).rejects.toThrow(
      /refusing to send DNS/,
    );
    expect([...sim.servers.values()].map((s) => s.queries.length)).toEqual(counts);
  });

  it('refuses invalid input with the validation message', async () => {
    await expect(query(mapDialer(sim.map), HEALTHY, udp({ name: 'a..b' }))).rejects.toThrow(/empty label/);
    await expect(query(mapDialer(sim.map), HEALTHY, udp({ timeoutMs: 5 }))).rejects.toThrow(/timeout 5 ms/);
  });

  it('reports a closed port as refused (ICMP over UDP, RST over TCP)', async () => {
    const port = await closedPort();
    const map = new AddressMap();
    map.set('10.96.0.99:53', { host: '127.0.0.1', port, tcpPort: port });
    for (const transport of ['udp', 'tcp'] as const) {
      const result = await query(mapDialer(map), { host: '10.96.0.99', port: 53 }, udp({ transport }));
      expect(result).toMatchObject({ error: 'refused', transport });
    }
  });
});

/** A loopback port free for UDP and TCP at this moment: bound, then released. */
async function closedPort(): Promise<number> {
  const tcp = createServer();
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const port = (tcp.address() as { port: number }).port;
  const socket = createSocket('udp4');
  socket.bind(port, '127.0.0.1');
  await once(socket, 'listening');
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
  return port;
}
