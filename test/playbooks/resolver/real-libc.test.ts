/**
 * The emulation against the real thing: glibc's and musl's getaddrinfo, each pointed at loopback
 * servers through its own resolv.conf, compared query by query with `emulate` and `plannedQueries`.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../../playbooks/parsers/resolv-conf.js';
import { emulate } from '../../../playbooks/resolver/emulate.js';
import { plannedQueries } from '../../../playbooks/resolver/plan.js';
import type { Answerer } from '../../../playbooks/resolver/types.js';
import type { DnsServerBehaviour } from '../../sim/scenario/types.js';
import { buildPrograms, type LibcBinaries, observe } from './real-libc-run.js';

const SEARCH = 'search shop.svc.cluster.local svc.cluster.local cluster.local\n';
const EXISTS: DnsServerBehaviour = {
  records: { 'api.example.com': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] } },
};
const SILENT: DnsServerBehaviour = { silent: 'both' };

/** The answerer matching EXISTS on every server but the silent ones. */
function answerer(silent: string[] = []): Answerer {
  return (server, name) => {
    if (silent.includes(server)) return 'timeout';
    return name === 'api.example.com' ? 'answer' : 'nxdomain';
  };
}

let bin: LibcBinaries;
beforeAll(async () => {
  bin = await buildPrograms();
});
afterAll(() => {
  rmSync(bin.dir, { recursive: true, force: true });
});

describe('real getaddrinfo, one server', () => {
  it.each([
    // libc, resolv.conf options, name
    ['glibc', 'options ndots:5\n', 'api.example.com'],
    ['musl', 'options ndots:5\n', 'api.example.com'],
    ['glibc', 'options ndots:5\n', 'api.example.com.'],
    ['musl', 'options ndots:5\n', 'api.example.com.'],
    ['glibc', 'options ndots:2\n', 'missing.example.org'],
    ['musl', 'options ndots:2\n', 'missing.example.org'],
    ['glibc', 'options ndots:5\n', 'redis'],
    ['musl', 'options ndots:5\n', 'redis'],
    ['glibc', 'options ndots:1 single-request-reopen\n', 'redis'],
  ] as const)('%s %j %s: the same queries in the same order', async (libc, options, name) => {
    const text = `${SEARCH}nameserver 127.0.0.1\n${options}`;
    const seen = await observe(bin, bin[libc], text, name, [{ ip: '127.0.0.1', behaviour: EXISTS }]);
    const rc = parseResolvConf(text);
    const trace = emulate(rc, name, libc, answerer());
    expect(seen.queries).toEqual(trace.queries.map(({ server, name, qtype }) => ({ server, name, qtype })));
    expect(new Set(seen.queries.map((q) => q.name))).toEqual(
      new Set(plannedQueries(rc, name, libc).candidates),
    );
    // getaddrinfo returns 0 exactly when the emulation found an answer.
    expect(seen.gai === 0).toBe(trace.result === 'answer');
  });
});

describe('real getaddrinfo, first of two servers silent', () => {
  const text = 'nameserver 127.0.0.1\nnameserver 127.0.0.2\noptions timeout:1 attempts:1\n';
  const servers = [
    { ip: '127.0.0.1', behaviour: SILENT },
    { ip: '127.0.0.2', behaviour: EXISTS },
  ];

  it.each([
    ['glibc', ''],
    ['glibc', 'options single-request-reopen\n'],
  ] as const)('%s %j: servers in order, the same queries', async (libc, extra) => {
    const seen = await observe(bin, bin[libc], text + extra, 'api.example.com.', servers);
    const trace = emulate(parseResolvConf(text + extra), 'api.example.com.', libc, answerer(['127.0.0.1']));
    expect(seen.queries).toEqual(trace.queries.map(({ server, name, qtype }) => ({ server, name, qtype })));
    expect(seen.gai).toBe(0);
  });

  it('musl: both servers at once (arrival order across servers is not fixed, so compared as a set)', async () => {
    const seen = await observe(bin, bin.musl, text, 'api.example.com.', servers);
    const trace = emulate(parseResolvConf(text), 'api.example.com.', 'musl', answerer(['127.0.0.1']));
    const key = (q: { server: string; name: string; qtype: string }) => `${q.server} ${q.name} ${q.qtype}`;
    expect(seen.queries.map(key).sort()).toEqual(trace.queries.map(key).sort());
    expect(seen.gai).toBe(0);
  });
});

describe('real getaddrinfo, failures: the same queries and the planned time', () => {
  const search = `${SEARCH}nameserver 127.0.0.1\noptions ndots:5 timeout:1 attempts:1\n`;
  const threeSilent = [1, 2, 3].map((i) => ({ ip: `127.0.0.${i}`, behaviour: SILENT }));
  const three = 'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver 127.0.0.3\n';
  const firstSearchServfail: DnsServerBehaviour = {
    ...EXISTS,
    rcodes: { 'api.example.com.shop.svc.cluster.local': 'SERVFAIL' },
  };
  const servfailAnswerer: Answerer = (_server, name) => {
    if (name === 'api.example.com.shop.svc.cluster.local') return 'servfail';
    return name === 'api.example.com' ? 'answer' : 'nxdomain';
  };
  const key = (q: { server: string; name: string; qtype: string }) => `${q.server} ${q.name} ${q.qtype}`;

  it.each([
    // glibc waits 2 + 4/3 + 8/3 = 2 + 1 + 2 s on three silent servers, not 3 x 2.
    [
      'glibc',
      `${three}options timeout:2 attempts:1\n`,
      threeSilent,
      answerer(['127.0.0.1', '127.0.0.2', '127.0.0.3']),
    ],
    // musl: 2 rounds to all three servers at once, 2 s in all.
    [
      'musl',
      `${three}options timeout:2 attempts:2\n`,
      threeSilent,
      answerer(['127.0.0.1', '127.0.0.2', '127.0.0.3']),
    ],
    // glibc: the timed-out search domain ends the search list; the name as written still goes out.
    ['glibc', search, [{ ip: '127.0.0.1', behaviour: SILENT }], answerer(['127.0.0.1'])],
    // glibc goes past a SERVFAIL search domain; musl resends it twice at once, then gives up after its timeout.
    ['glibc', search, [{ ip: '127.0.0.1', behaviour: firstSearchServfail }], servfailAnswerer],
    ['musl', search, [{ ip: '127.0.0.1', behaviour: firstSearchServfail }], servfailAnswerer],
  ] as const)('%s %j', async (libc, text, servers, answer) => {
    const seen = await observe(bin, bin[libc], text, 'api.example.com', [...servers]);
    const rc = parseResolvConf(text);
    const trace = emulate(rc, 'api.example.com', libc, answer);
    // Within one server the order is exact; across servers arrival order is up to the relays.
    for (const { ip } of servers) {
      const at = (q: { server: string }) => q.server === ip;
      expect(seen.queries.filter(at).map(key)).toEqual(trace.queries.filter(at).map(key));
    }
    expect(seen.queries).toHaveLength(trace.queries.length);
    expect(seen.gai === 0).toBe(trace.result === 'answer');
    expect(seen.elapsedMs).toBeGreaterThan(trace.elapsedSeconds * 1000 - 100);
    expect(seen.elapsedMs).toBeLessThan(trace.elapsedSeconds * 1000 + 700);
    if (trace.result !== 'answer')
      expect(trace.elapsedSeconds).toBe(plannedQueries(rc, 'api.example.com', libc).worstCaseSeconds);
  });
});
