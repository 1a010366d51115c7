import { describe, expect, it } from 'vitest';
import { plannedQueries } from '../../../playbooks/resolver/plan.js';
import { KUBELET, rc } from './fixtures.js';

const THREE = 'nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\n';

describe('per-candidate queries and server order', () => {
  it('glibc asks A and AAAA for each candidate, servers in order, attempt after attempt', () => {
    const plan = plannedQueries(rc(`${THREE}options attempts:2\n`), 'api.example.com', 'glibc');
    expect(plan.fanOut).toBe('in-order');
    expect(plan.settings.transport).toBe('one-socket');
    expect(plan.perCandidate).toEqual([
      {
        name: 'api.example.com',
        phase: 'as-is-first',
        queries: ['A', 'AAAA'].map((qtype) => ({
          name: 'api.example.com',
          qtype,
          servers: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.1', '192.0.2.2', '192.0.2.3'],
        })),
      },
    ]);
  });

  it.each([
    [0, ['192.0.2.1', '192.0.2.2', '192.0.2.3']],
    [1, ['192.0.2.2', '192.0.2.3', '192.0.2.1']],
    [2, ['192.0.2.3', '192.0.2.1', '192.0.2.2']],
  ])('glibc rotate with starting server %i', (offset, order) => {
    const plan = plannedQueries(rc(`${THREE}options rotate attempts:1\n`), 'example.com', 'glibc', {
      rotateOffset: offset,
    });
    expect(plan.perCandidate[0]?.queries[0]?.servers).toEqual(order);
  });

  it('musl ignores rotate and sends every round to every server at once', () => {
    const plan = plannedQueries(rc(`${THREE}options rotate attempts:2\n`), 'example.com', 'musl', {
      rotateOffset: 1,
    });
    expect(plan.fanOut).toBe('parallel');
    expect(plan.settings.transport).toBe('parallel');
    expect(plan.perCandidate[0]?.queries[0]?.servers).toEqual([
      '192.0.2.1',
      '192.0.2.2',
      '192.0.2.3',
      '192.0.2.1',
      '192.0.2.2',
      '192.0.2.3',
    ]);
  });

  it.each([
    ['options single-request\n', 'glibc', 'single-request'],
    ['options single-request-reopen\n', 'glibc', 'single-request-reopen'],
    ['options single-request single-request-reopen\n', 'glibc', 'single-request-reopen'],
    ['', 'glibc', 'one-socket'],
    ['options single-request-reopen\n', 'musl', 'parallel'],
  ] as const)('%j on %s sends A and AAAA as %s', (options, libc, transport) => {
    const plan = plannedQueries(rc(`nameserver 192.0.2.1\n${options}`), 'example.com', libc);
    expect(plan.settings.transport).toBe(transport);
  });

  it.each([
    ['A', ['A']],
    ['AAAA', ['AAAA']],
    ['both', ['A', 'AAAA']],
  ] as const)('families %s', (families, qtypes) => {
    const plan = plannedQueries(KUBELET, 'example.com', 'glibc', { families });
    expect(plan.perCandidate.every((c) => c.queries.map((q) => q.qtype).join() === qtypes.join())).toBe(true);
  });

  it('uses at most 3 nameservers and falls back to loopback when there is none', () => {
    const four = rc(`${THREE}nameserver 192.0.2.4\n`);
    expect(plannedQueries(four, 'example.com', 'musl').settings.servers).toHaveLength(3);
    expect(plannedQueries(rc(''), 'example.com', 'glibc').settings.servers).toEqual(['127.0.0.1']);
  });
});

describe('time before failure when every server is silent', () => {
  it.each([
    // resolv.conf, libc, name, seconds per candidate, seconds for the lookup
    ['nameserver 192.0.2.1\n', 'glibc', 'example.com.', 10, 10],
    ['nameserver 192.0.2.1\nnameserver 192.0.2.2\n', 'glibc', 'example.com.', 20, 20],
    // send_dg divides the later servers' wait by the server count: 5 + 10/3 + 20/3 = 5 + 3 + 6.
    [THREE, 'glibc', 'example.com.', 28, 28],
    ['nameserver 192.0.2.1\noptions timeout:1 attempts:3\n', 'glibc', 'example.com.', 3, 3],
    // A timed-out search domain ends the search list, but glibc still sends the final as-is query.
    [
      'search a.example b.example c.example\nnameserver 192.0.2.1\noptions ndots:5\n',
      'glibc',
      'api.example.com',
      10,
      20,
    ],
    // As-is first times out, then the search list starts and its first domain times out too.
    ['search a.example b.example\nnameserver 192.0.2.1\n', 'glibc', 'api.example.com', 10, 20],
    // musl gives up after `timeout` in total and stops at the first candidate that timed out.
    [THREE, 'musl', 'example.com.', 5, 5],
    [
      'search a.example b.example c.example\nnameserver 192.0.2.1\noptions ndots:5\n',
      'musl',
      'api.example.com',
      5,
      5,
    ],
    ['nameserver 192.0.2.1\noptions timeout:2 attempts:5\n', 'musl', 'example.com', 2, 2],
  ] as const)('%j %s %s: %i s per candidate, %i s in all', (text, libc, name, perCandidate, total) => {
    const plan = plannedQueries(rc(text), name, libc);
    expect(plan.candidateTimeoutSeconds).toBe(perCandidate);
    expect(plan.worstCaseSeconds).toBe(total);
  });
});
