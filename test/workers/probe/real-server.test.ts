/**
 * The prober against Debian's unbound on loopback, each case next to what dig reports for the
 * same query: the prober must see what the reference tool sees, on a server we did not write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directDialer } from '../../../workers/probe/dialer.js';
import {
  type DnsAnswer,
  isAnswer,
  type QueryOutcome,
  type QuerySpec,
  query,
} from '../../../workers/probe/query.js';
import { probeSeries } from '../../../workers/probe/series.js';
import { freePort, type RunningUnbound, startUnbound } from '../../real/unbound.js';
import { type DigResult, dig, startSilent } from './dig.js';

/** 40 A records: about 700 bytes, over the classic 512 but within EDNS's 1232. */
const FORTY = Array.from({ length: 40 }, (_, i) => `A 10.0.1.${i + 1}`);
/** 100 A records: about 1650 bytes, truncated even with EDNS. */
const HUNDRED = Array.from({ length: 100 }, (_, i) => `A 10.0.2.${i + 1}`);

let unbound: RunningUnbound;
let refusing: RunningUnbound;
let silent: Awaited<ReturnType<typeof startSilent>>;

const localData = (name: string, records: string[]) =>
  records.map((r) => `  local-data: "${name} 300 IN ${r}"`);

beforeAll(async () => {
  silent = await startSilent();
  unbound = await startUnbound(
    [
      '  local-zone: "lab.test." static',
      ...localData('web.lab.test.', ['A 10.0.0.1']),
      ...localData('big.lab.test.', FORTY),
      ...localData('huge.lab.test.', HUNDRED),
      '  local-zone: "gone.test." always_nxdomain',
      '  local-zone: "private.test." always_refuse',
      // test. is one of unbound's default local zones (RFC 6761): let dead.test. reach its forwarder.
      '  local-zone: "test." nodefault',
    ],
    ['forward-zone:', '  name: "dead.test."', `  forward-addr: ${silent.host}@${silent.port}`],
  );
  // A second instance that refuses every loopback client by ACL: it answers a bare header.
  refusing = await startUnbound(['  access-control: 127.0.0.0/8 refuse'], []);
});

afterAll(async () => {
  await refusing?.stop();
  await unbound?.stop();
  silent?.close();
});

const spec = (name: string, extra: Partial<QuerySpec> = {}): QuerySpec => ({
  name,
  type: 'A',
  transport: 'udp',
  timeoutMs: 2000,
  ...extra,
});

function answer(outcome: QueryOutcome): DnsAnswer {
  if (!isAnswer(outcome)) throw new Error(`expected an answer, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** The prober's view of one DNS message, in dig's terms. */
function asDig(outcome: DnsAnswer) {
  return { status: outcome.rcode, tc: outcome.tc, answers: [...outcome.answers].sort() };
}

function lastMessage(result: DigResult) {
  const message = result.messages[result.messages.length - 1];
  if (message === undefined) throw new Error(`dig got no answer: ${result.errors.join('; ')}`);
  expect(message.answers).toHaveLength(message.answerCount);
  return { status: message.status, tc: message.flags.includes('tc'), answers: [...message.answers].sort() };
}

describe('prober against unbound, compared with dig', () => {
  it('gets a plain A answer over UDP, as dig does', async () => {
    const [ours, theirs] = await Promise.all([
      query(directDialer, unbound, spec('web.lab.test')),
      dig(unbound, 'web.lab.test', 'A'),
    ]);
    expect(asDig(answer(ours))).toEqual({ status: 'NOERROR', tc: false, answers: ['A 10.0.0.1'] });
    expect(lastMessage(theirs)).toEqual(asDig(answer(ours)));
    expect(answer(ours)).toMatchObject({ transport: 'udp', aa: true });
    expect(answer(ours).tcpRetry).toBeUndefined();
  });

  it('gets 40 records (over 512 bytes) over UDP with EDNS, untruncated, as dig does', async () => {
    const [ours, theirs] = await Promise.all([
      query(directDialer, unbound, spec('big.lab.test')),
      dig(unbound, 'big.lab.test', 'A'),
    ]);
    expect(asDig(answer(ours))).toEqual({ status: 'NOERROR', tc: false, answers: [...FORTY].sort() });
    expect(answer(ours).tcpRetry).toBeUndefined();
    expect(lastMessage(theirs)).toEqual(asDig(answer(ours)));
    expect(theirs.transport).toBe('UDP');
  });

  it('without EDNS gets TC for the 40 records, then all of them over TCP, as dig +noedns', async () => {
    const [ours, truncated, retried] = await Promise.all([
      query(directDialer, unbound, spec('big.lab.test', { edns: false })),
      dig(unbound, 'big.lab.test', 'A', ['+noedns', '+ignore']),
      dig(unbound, 'big.lab.test', 'A', ['+noedns']),
    ]);
    const udp = answer(ours);
    expect(udp.transport).toBe('udp');
    expect(udp.tc).toBe(true);
    expect(asDig(udp)).toEqual(lastMessage(truncated));
    const tcp = answer(udp.tcpRetry!);
    expect(tcp.transport).toBe('tcp');
    expect(asDig(tcp)).toEqual({ status: 'NOERROR', tc: false, answers: [...FORTY].sort() });
    // dig's own retry: it saw TC over UDP and printed the full answer it then got over TCP.
    expect(retried.retriedOverTcp).toBe(true);
    expect(retried.transport).toBe('TCP');
    expect(lastMessage(retried)).toEqual(asDig(tcp));
  });

  it('gets TC for 100 records even with EDNS, then the full RRset over TCP, as dig does', async () => {
    const [ours, truncated, retried] = await Promise.all([
      query(directDialer, unbound, spec('huge.lab.test')),
      dig(unbound, 'huge.lab.test', 'A', ['+ignore']),
      dig(unbound, 'huge.lab.test', 'A'),
    ]);
    const udp = answer(ours);
    expect(udp.tc).toBe(true);
    expect(asDig(udp)).toEqual(lastMessage(truncated));
    const tcp = answer(udp.tcpRetry!);
    expect(asDig(tcp)).toEqual({ status: 'NOERROR', tc: false, answers: [...HUNDRED].sort() });
    expect(retried.retriedOverTcp).toBe(true);
    expect(retried.transport).toBe('TCP');
    expect(lastMessage(retried)).toEqual(asDig(tcp));
  });

  it('asks over TCP directly when told to, as dig +tcp', async () => {
    const [ours, theirs] = await Promise.all([
      query(directDialer, unbound, spec('huge.lab.test', { transport: 'tcp' })),
      dig(unbound, 'huge.lab.test', 'A', ['+tcp']),
    ]);
    expect(answer(ours)).toMatchObject({ transport: 'tcp', tc: false });
    expect(answer(ours).answers).toHaveLength(100);
    expect(lastMessage(theirs)).toEqual(asDig(answer(ours)));
  });

  it('reports NXDOMAIN from an always_nxdomain zone, as dig does', async () => {
    const [ours, theirs] = await Promise.all([
      query(directDialer, unbound, spec('www.gone.test')),
      dig(unbound, 'www.gone.test', 'A'),
    ]);
    expect(asDig(answer(ours))).toEqual({ status: 'NXDOMAIN', tc: false, answers: [] });
    expect(lastMessage(theirs)).toEqual(asDig(answer(ours)));
  });

  it.each(['udp', 'tcp'] as const)(
    'reports REFUSED from an always_refuse zone over %s, as dig does',
    async (transport) => {
      const [ours, theirs] = await Promise.all([
        query(directDialer, unbound, spec('www.private.test', { transport })),
        dig(unbound, 'www.private.test', 'A', transport === 'tcp' ? ['+tcp'] : []),
      ]);
      expect(asDig(answer(ours))).toEqual({ status: 'REFUSED', tc: false, answers: [] });
      expect(answer(ours).transport).toBe(transport);
      expect(lastMessage(theirs)).toEqual(asDig(answer(ours)));
    },
  );

  it('reports REFUSED from access-control (a bare header with no question), as dig does', async () => {
    const [ours, theirs] = await Promise.all([
      query(directDialer, refusing, spec('web.lab.test')),
      dig(refusing, 'web.lab.test', 'A'),
    ]);
    expect(asDig(answer(ours))).toEqual({ status: 'REFUSED', tc: false, answers: [] });
    expect(lastMessage(theirs).status).toBe('REFUSED');
  });

  it('reports SERVFAIL when the forwarder is dead, as dig does', async () => {
    const before = silent.received();
    const ours = await query(directDialer, unbound, spec('www.dead.test'));
    const theirs = await dig(unbound, 'api.dead.test', 'A');
    expect(asDig(answer(ours))).toEqual({ status: 'SERVFAIL', tc: false, answers: [] });
    expect(lastMessage(theirs)).toEqual(asDig(answer(ours)));
    // The SERVFAIL is unbound's verdict on a forwarder it really tried, not a config refusal.
    expect(silent.received()).toBeGreaterThan(before);
  });

  it('times out against a silent server, where dig finds no server either', async () => {
    const started = performance.now();
    const [ours, theirs] = await Promise.all([
      query(directDialer, silent, spec('web.lab.test', { timeoutMs: 500 })),
      dig(silent, 'web.lab.test', 'A'),
    ]);
    expect(ours).toMatchObject({ error: 'timeout', transport: 'udp' });
    expect(ours.ms).toBeGreaterThanOrEqual(490);
    expect(theirs.messages).toEqual([]);
    expect(theirs.exitCode).toBe(9);
    expect(theirs.errors.join('\n')).toMatch(/timed out/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('sees ICMP port unreachable from a stopped server as refused, as dig does', async () => {
    const closed = { host: '127.0.0.1', port: await freePort() };
    const [ours, theirs] = await Promise.all([
      query(directDialer, closed, spec('web.lab.test')),
      dig(closed, 'web.lab.test', 'A'),
    ]);
    expect(ours).toMatchObject({ error: 'refused', transport: 'udp' });
    expect(ours.ms).toBeLessThan(1000);
    expect(theirs.messages).toEqual([]);
    expect(theirs.errors.join('\n')).toMatch(/connection refused/);
  });
});

describe('probeSeries against unbound', () => {
  const target = (server: { host: string; port: number }) => ({
    ...server,
    hop: 'upstream' as const,
    side: 'coredns' as const,
  });

  it('counts 20 answers and the truncations that were retried over TCP', async () => {
    const result = await probeSeries(directDialer, target(unbound), spec('huge.lab.test'), 20);
    expect(result).toMatchObject({
      attempts: 20,
      answered: 20,
      rcodes: { NOERROR: 20 },
      timeouts: 0,
      truncated: 20,
    });
    expect(result.latencyMs!.max).toBeGreaterThanOrEqual(result.latencyMs!.p50);
  });

  it('counts the error codes a server gives', async () => {
    const result = await probeSeries(directDialer, target(unbound), spec('x.gone.test'), 20);
    expect(result).toMatchObject({ answered: 20, rcodes: { NXDOMAIN: 20 }, timeouts: 0, truncated: 0 });
    expect(result.sample).toMatch(/^NXDOMAIN/);
  });

  it('takes about one timeout, not twenty, against a silent server', async () => {
    const started = performance.now();
    const result = await probeSeries(
      directDialer,
      target(silent),
      spec('web.lab.test', { timeoutMs: 300 }),
      20,
    );
    expect(result).toMatchObject({ attempts: 20, answered: 0, timeouts: 20 });
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
