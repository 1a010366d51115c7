import { describe, expect, it } from 'vitest';
import { amplification, emulate } from '../../../playbooks/resolver/emulate.js';
import type { Answerer } from '../../../playbooks/resolver/types.js';
import { KUBELET, KUBELET_NODE_SUFFIXES, rc } from './fixtures.js';

const TWO = 'nameserver 192.0.2.1\nnameserver 192.0.2.2\n';

/** Compact view of a trace: `server name qtype outcome` per query. */
function lines(trace: ReturnType<typeof emulate>): string[] {
  return trace.queries.map((q) => `${q.server} ${q.name} ${q.qtype} ${q.outcome}`);
}

const firstServerSilent: Answerer = (server) => (server === '192.0.2.1' ? 'timeout' : 'answer');

describe('emulate: servers', () => {
  it('glibc: a silent first server costs one timeout, then the second server answers', () => {
    const trace = emulate(rc(TWO), 'example.com.', 'glibc', firstServerSilent);
    expect(lines(trace)).toEqual([
      '192.0.2.1 example.com A timeout',
      '192.0.2.1 example.com AAAA timeout',
      '192.0.2.2 example.com A answer',
      '192.0.2.2 example.com AAAA answer',
    ]);
    expect(trace.result).toBe('answer');
    expect(trace.firstFailure).toEqual({
      name: 'example.com',
      qtype: 'A',
      server: '192.0.2.1',
      outcome: 'timeout',
    });
    expect(trace.elapsedSeconds).toBe(5);
  });

  it('glibc single-request-reopen: AAAA is never sent to a server that did not answer A', () => {
    const trace = emulate(
      rc(`${TWO}options single-request-reopen\n`),
      'example.com.',
      'glibc',
      firstServerSilent,
    );
    expect(lines(trace)).toEqual([
      '192.0.2.1 example.com A timeout',
      '192.0.2.2 example.com A answer',
      '192.0.2.2 example.com AAAA answer',
    ]);
  });

  it('glibc rotate: the starting server comes from the offset', () => {
    const trace = emulate(rc(`${TWO}options rotate\n`), 'example.com.', 'glibc', firstServerSilent, {
      rotateOffset: 1,
    });
    expect(lines(trace)).toEqual(['192.0.2.2 example.com A answer', '192.0.2.2 example.com AAAA answer']);
    expect(trace.firstFailure).toBeUndefined();
    expect(trace.elapsedSeconds).toBe(0);
  });

  it('musl: every server is asked at once and the first accepted reply wins, without waiting', () => {
    const trace = emulate(rc(TWO), 'example.com.', 'musl', firstServerSilent);
    expect(lines(trace)).toEqual([
      '192.0.2.1 example.com A timeout',
      '192.0.2.2 example.com A answer',
      '192.0.2.1 example.com AAAA timeout',
      '192.0.2.2 example.com AAAA answer',
    ]);
    expect(trace.result).toBe('answer');
    expect(trace.elapsedSeconds).toBe(0);
  });

  it.each([
    ['glibc', 'answer'],
    ['musl', 'answer'],
  ] as const)('%s: SERVFAIL from the first server, the second answers', (libc, result) => {
    const trace = emulate(rc(TWO), 'example.com.', libc, (server) =>
      server === '192.0.2.1' ? 'servfail' : 'answer',
    );
    expect(trace.result).toBe(result);
    expect(trace.firstFailure?.outcome).toBe('servfail');
  });

  it('glibc: every server silent: each server in turn, attempt after attempt, 1 s each', () => {
    const trace = emulate(
      rc(`${TWO}options attempts:2 timeout:1\n`),
      'example.com.',
      'glibc',
      () => 'timeout',
      {
        families: 'A',
      },
    );
    expect(lines(trace).map((l) => l.split(' ')[0])).toEqual([
      '192.0.2.1',
      '192.0.2.2',
      '192.0.2.1',
      '192.0.2.2',
    ]);
    expect(trace.result).toBe('failure');
    expect(trace.elapsedSeconds).toBe(4);
  });

  it('musl: every server silent, resent to all of them each round, one timeout in all', () => {
    const trace = emulate(
      rc(`${TWO}options attempts:3 timeout:2\n`),
      'example.com.',
      'musl',
      () => 'timeout',
      {
        families: 'A',
      },
    );
    expect(trace.queries).toHaveLength(6);
    expect(trace.result).toBe('failure');
    expect(trace.elapsedSeconds).toBe(2);
  });
});

describe('emulate: the search walk under the kubelet resolv.conf', () => {
  const external = 'api.example.com';

  it.each(['glibc', 'musl'] as const)(
    '%s: NXDOMAIN on each search domain, then the name as written answers',
    (libc) => {
      const trace = emulate(
        KUBELET,
        external,
        libc,
        (_s, name) => (name === external ? 'answer' : 'nxdomain'),
        {
          families: 'A',
        },
      );
      expect(trace.queries.map((q) => q.name)).toEqual([
        'api.example.com.shop.svc.cluster.local',
        'api.example.com.svc.cluster.local',
        'api.example.com.cluster.local',
        'api.example.com',
      ]);
      expect(trace.result).toBe('answer');
      expect(trace.firstFailure).toBeUndefined();
    },
  );

  it.each(['glibc', 'musl'] as const)('%s: NXDOMAIN everywhere is an NXDOMAIN result', (libc) => {
    const trace = emulate(KUBELET, 'nothing.example', libc, () => 'nxdomain');
    expect(trace.queries).toHaveLength(8);
    expect(trace.result).toBe('nxdomain');
  });

  // A SERVFAIL on the first search domain: glibc moves on to the next domain, musl's lookup fails there.
  const servfailOnFirst: Answerer = (_s, name) => {
    if (name === 'api.example.com.shop.svc.cluster.local') return 'servfail';
    return name === 'api.example.com' ? 'answer' : 'nxdomain';
  };

  it('glibc: SERVFAIL on a search domain moves on to the next one', () => {
    const trace = emulate(KUBELET, external, 'glibc', servfailOnFirst, { families: 'A' });
    expect(trace.queries.map((q) => `${q.name} ${q.outcome}`)).toEqual([
      'api.example.com.shop.svc.cluster.local servfail',
      'api.example.com.shop.svc.cluster.local servfail',
      'api.example.com.svc.cluster.local nxdomain',
      'api.example.com.cluster.local nxdomain',
      'api.example.com answer',
    ]);
    expect(trace.result).toBe('answer');
  });

  it('musl: SERVFAIL on a search domain fails the lookup after the timeout, the name as written is never asked', () => {
    const trace = emulate(KUBELET, external, 'musl', servfailOnFirst, { families: 'A' });
    // Sent, resent twice at once after SERVFAIL (2 x 1 query), resent once more in the second round.
    expect(trace.queries.map((q) => `${q.name} ${q.outcome}`)).toEqual(
      Array(4).fill('api.example.com.shop.svc.cluster.local servfail'),
    );
    expect(trace.result).toBe('failure');
    expect(trace.elapsedSeconds).toBe(5);
  });

  it('glibc: a timeout on a search domain ends the search list, the name as written still goes out', () => {
    const trace = emulate(KUBELET, external, 'glibc', (_s, name) => {
      if (name === 'api.example.com.shop.svc.cluster.local') return 'timeout';
      return name === external ? 'answer' : 'nxdomain';
    });
    expect([...new Set(trace.queries.map((q) => q.name))]).toEqual([
      'api.example.com.shop.svc.cluster.local',
      external,
    ]);
    expect(trace.result).toBe('answer');
    expect(trace.elapsedSeconds).toBe(10);
  });

  it('glibc: after an NXDOMAIN as-is first, SERVFAILs in the search list still report NXDOMAIN', () => {
    const conf = rc('search corp.example.net\nnameserver 192.0.2.1\n');
    const trace = emulate(conf, external, 'glibc', (_s, name) =>
      name === external ? 'nxdomain' : 'servfail',
    );
    expect(trace.result).toBe('nxdomain');
    expect(trace.firstFailure?.name).toBe('api.example.com.corp.example.net');
  });

  it('musl: A found but AAAA NXDOMAIN on a search domain still moves on to the next candidate', () => {
    const trace = emulate(KUBELET, 'redis', 'musl', (_s, name, qtype) => {
      if (name === 'redis.shop.svc.cluster.local') return qtype === 'A' ? 'answer' : 'nxdomain';
      return name === 'redis.svc.cluster.local' ? 'answer' : 'nxdomain';
    });
    expect([...new Set(trace.queries.map((q) => q.name))]).toEqual([
      'redis.shop.svc.cluster.local',
      'redis.svc.cluster.local',
    ]);
    expect(trace.result).toBe('answer');
  });
});

describe('amplification: queries for one lookup of an external name', () => {
  const base = 'search shop.svc.cluster.local svc.cluster.local cluster.local\n';
  it.each([
    // (3 search domains + as-is) x (A + AAAA)
    ['glibc', `${base}nameserver 10.96.0.10\noptions ndots:5\n`, 'api.example.com', 8, 6],
    ['musl', `${base}nameserver 10.96.0.10\noptions ndots:5\n`, 'api.example.com', 8, 6],
    // glibc stops at the first server that answers; musl asks both every time.
    [
      'glibc',
      `${base}nameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:5\n`,
      'api.example.com',
      8,
      6,
    ],
    [
      'musl',
      `${base}nameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:5\n`,
      'api.example.com',
      16,
      12,
    ],
    ['glibc', `${base}nameserver 10.96.0.10\noptions ndots:5\n`, 'api.example.com.', 2, 0],
    ['glibc', `${base}nameserver 10.96.0.10\noptions ndots:2\n`, 'api.example.com', 2, 0],
    ['musl', `${base}nameserver 10.96.0.10\noptions ndots:2\n`, 'api.example.com', 2, 0],
  ] as const)('%s %j %s: %i queries, %i wasted', (libc, text, name, queries, wasted) => {
    const amp = amplification(rc(text), name, libc);
    expect(amp.queries).toBe(queries);
    expect(amp.wasted).toBe(wasted);
  });

  it('node search suffixes add two more candidates: (5 + 1) x 2 = 12', () => {
    expect(amplification(KUBELET_NODE_SUFFIXES, 'api.example.com', 'glibc')).toEqual({
      queries: 12,
      wasted: 10,
      candidatesTried: 6,
    });
  });
});
