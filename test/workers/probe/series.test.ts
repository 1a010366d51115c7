import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapDialer } from '../../../workers/probe/dialer.js';
import { isAnswer, pairQuery, type QuerySpec } from '../../../workers/probe/query.js';
import { type ProbeTarget, probeSeries } from '../../../workers/probe/series.js';
import { type SimDnsServers, startDnsServers } from '../../sim/dns/index.js';

const NAME = 'web.shop.svc.cluster.local';
const records = { [NAME]: { A: ['10.0.0.1'], AAAA: ['fd00::1'] } };
const target = (host: string): ProbeTarget => ({ host, port: 53, hop: 'dns-service', side: 'client' });
const spec = (extra: Partial<QuerySpec> = {}): QuerySpec => ({
  name: NAME,
  type: 'A',
  transport: 'udp',
  timeoutMs: 1000,
  ...extra,
});

let sim: SimDnsServers;
beforeAll(async () => {
  sim = await startDnsServers({
    '10.96.0.10:53': { records },
    '10.96.0.11:53': { records, silent: 'both' },
    '10.96.0.12:53': { records, dropEvery: 4 },
    '10.96.0.13:53': { records, dropSameSocketPair: true },
    '10.96.0.14:53': { records, truncateAbove: 40 },
    '10.96.0.15:53': { records, latencyMs: 80 },
  });
});
afterAll(() => sim.close());

describe('probeSeries', () => {
  it('fills a ProbeResult for a healthy hop', async () => {
    const result = await probeSeries(mapDialer(sim.map), target('10.96.0.10'), spec(), 20);
    expect(result).toMatchObject({
      hop: 'dns-service',
      side: 'client',
      server: '10.96.0.10:53',
      name: NAME,
      qtype: 'A',
      transport: 'udp',
      attempts: 20,
      answered: 20,
      rcodes: { NOERROR: 20 },
      timeouts: 0,
      truncated: 0,
      sample: 'NOERROR aa over udp: A 10.0.0.1',
    });
    const { p50, p95, max } = result.latencyMs!;
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(max);
    const log = sim.servers.get('10.96.0.10:53')!.queries;
    expect(new Set(log.map((q) => q.id)).size).toBeGreaterThan(15); // random ids (20 of 65536)
    expect(new Set(log.map((q) => q.source)).size).toBe(20);
  });

  it('counts the queries a lossy hop drops as timeouts', async () => {
    const result = await probeSeries(
      mapDialer(sim.map),
      target('10.96.0.12'),
      spec({ timeoutMs: 300 }),
      20,
      5,
    );
    expect(result).toMatchObject({ attempts: 20, answered: 15, timeouts: 5, rcodes: { NOERROR: 15 } });
    expect(result.sample).toMatch(/^timeout over udp after \d+ ms$/);
  });

  it('takes about one timeout on a silent hop when run concurrently, not twenty', async () => {
    const started = performance.now();
    const result = await probeSeries(mapDialer(sim.map), target('10.96.0.11'), spec({ timeoutMs: 300 }), 20);
    const took = performance.now() - started;
    expect(result).toMatchObject({ attempts: 20, answered: 0, timeouts: 20, rcodes: {} });
    expect(result.latencyMs).toBeUndefined();
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(900);
  });

  it('counts truncated answers and takes the rcode from the TCP retry', async () => {
    const result = await probeSeries(mapDialer(sim.map), target('10.96.0.14'), spec(), 4);
    expect(result).toMatchObject({ attempts: 4, answered: 4, truncated: 4, rcodes: { NOERROR: 4 } });
    expect(result.sample).toBe('NOERROR aa tc over udp; retried: NOERROR aa over tcp: A 10.0.0.1');
  });

  it('reports latency percentiles including the server delay', async () => {
    const result = await probeSeries(mapDialer(sim.map), target('10.96.0.15'), spec(), 10);
    expect(result.latencyMs!.p50).toBeGreaterThanOrEqual(75);
    expect(result.latencyMs!.max).toBeLessThan(1000);
  });

  it('refuses absurd counts and concurrency before sending anything', async () => {
    const dialer = mapDialer(sim.map);
    await expect(probeSeries(dialer, target('10.96.0.10'), spec(), 0)).rejects.toThrow(/count 0/);
    await expect(probeSeries(dialer, target('10.96.0.10'), spec(), 5000)).rejects.toThrow(/1 to 1000/);
    await expect(probeSeries(dialer, target('10.96.0.10'), spec(), 5, 0)).rejects.toThrow(/concurrency 0/);
  });
});

describe('pairQuery', () => {
  it('loses one of A/AAAA sent from one socket through the conntrack race', async () => {
    const pair = await pairQuery(
      mapDialer(sim.map),
      { host: '10.96.0.13', port: 53 },
      NAME,
      'same-socket',
      300,
    );
    const answered = [pair.a, pair.aaaa].filter(isAnswer);
    expect(answered).toHaveLength(1);
    expect([pair.a, pair.aaaa].filter((o) => !isAnswer(o))).toMatchObject([{ error: 'timeout' }]);
    const sent = sim.servers.get('10.96.0.13:53')!.queries.slice(-2);
    expect(sent[0]!.source).toBe(sent[1]!.source);
    expect(sent.map((q) => q.answered).sort()).toEqual(['NOERROR', 'dropped']);
  });

  it('gets both answers from separate sockets on the same hop', async () => {
    const pair = await pairQuery(mapDialer(sim.map), { host: '10.96.0.13', port: 53 }, NAME, 'separate', 300);
    expect(pair.a).toMatchObject({ rcode: 'NOERROR', answers: ['A 10.0.0.1'] });
    expect(pair.aaaa).toMatchObject({ rcode: 'NOERROR', answers: ['AAAA fd00::1'] });
    const sent = sim.servers.get('10.96.0.13:53')!.queries.slice(-2);
    expect(sent[0]!.source).not.toBe(sent[1]!.source);
  });

  it('gets both from one socket where there is no race', async () => {
    const pair = await pairQuery(
      mapDialer(sim.map),
      { host: '10.96.0.10', port: 53 },
      NAME,
      'same-socket',
      300,
    );
    expect([pair.a, pair.aaaa].every(isAnswer)).toBe(true);
    expect(pair.aaaa).toMatchObject({ answers: ['AAAA fd00::1'] });
  });
});
