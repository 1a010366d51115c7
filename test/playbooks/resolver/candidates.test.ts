import { describe, expect, it } from 'vitest';
import { plannedQueries } from '../../../playbooks/resolver/plan.js';
import { CLUSTER_SEARCH, KUBELET, KUBELET_NODE_SUFFIXES, NODE_SEARCH, rc, searched } from './fixtures.js';

describe('candidate names under the kubelet resolv.conf (ndots:5)', () => {
  it.each([
    // name, dots: all below 5, so both libcs walk the search list first and try as-is last.
    ['redis', 0],
    ['redis.other', 1],
    ['api.example.com', 2],
    ['kubernetes.default.svc.cluster', 3],
    ['redis.shop.svc.cluster.local', 4],
  ])('%s (%i dots): search list first, then as-is, in glibc and musl', (name) => {
    const expected = [...searched(name, NODE_SEARCH), name];
    expect(plannedQueries(KUBELET_NODE_SUFFIXES, name, 'glibc').candidates).toEqual(expected);
    expect(plannedQueries(KUBELET_NODE_SUFFIXES, name, 'musl').candidates).toEqual(expected);
  });

  it('a name with 5 dots: glibc tries it as-is first and then still walks the search list', () => {
    const name = 'a.b.c.d.example.com';
    expect(plannedQueries(KUBELET, name, 'glibc').candidates).toEqual([
      name,
      ...searched(name, CLUSTER_SEARCH),
    ]);
  });

  it('a name with 5 dots: musl tries it as-is only', () => {
    expect(plannedQueries(KUBELET, 'a.b.c.d.example.com', 'musl').candidates).toEqual([
      'a.b.c.d.example.com',
    ]);
  });

  it.each(['glibc', 'musl'] as const)('%s: a trailing dot means as-is only, sent without the dot', (libc) => {
    const plan = plannedQueries(KUBELET, 'redis.shop.svc.cluster.local.', libc);
    expect(plan.candidates).toEqual(['redis.shop.svc.cluster.local']);
  });
});

describe('candidate names with the default ndots:1', () => {
  const conf = rc('search corp.example.net\nnameserver 192.0.2.53\n');

  it.each([
    ['glibc', 'api.example.com', ['api.example.com', 'api.example.com.corp.example.net']],
    ['musl', 'api.example.com', ['api.example.com']],
    ['glibc', 'intranet', ['intranet.corp.example.net', 'intranet']],
    ['musl', 'intranet', ['intranet.corp.example.net', 'intranet']],
  ] as const)('%s %s', (libc, name, expected) => {
    expect(plannedQueries(conf, name, libc).candidates).toEqual(expected);
  });

  it('glibc no-tld-query drops the final as-is query for a dotless name only', () => {
    const noTld = rc('search corp.example.net\nnameserver 192.0.2.53\noptions no-tld-query\n');
    expect(plannedQueries(noTld, 'intranet', 'glibc').candidates).toEqual(['intranet.corp.example.net']);
    expect(plannedQueries(noTld, 'intranet', 'musl').candidates).toEqual([
      'intranet.corp.example.net',
      'intranet',
    ]);
  });

  it('with no search list a short name is sent as-is once', () => {
    const bare = rc('nameserver 192.0.2.53\noptions ndots:5\n');
    expect(plannedQueries(bare, 'intranet', 'glibc').candidates).toEqual(['intranet']);
    expect(plannedQueries(bare, 'intranet', 'musl').candidates).toEqual(['intranet']);
  });

  it.each(['', '.'])('refuses the name %j', (name) => {
    expect(() => plannedQueries(conf, name, 'glibc')).toThrow(RangeError);
  });
});
