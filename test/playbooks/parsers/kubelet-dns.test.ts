import { describe, expect, it } from 'vitest';
import type { PodDnsConfig } from '../../../playbooks/model/k8s.js';
import {
  dnsLimitProblems,
  dnsSearchLimits,
  type KubeletDnsInput,
  type KubeletDnsResult,
  kubeletResolvConf,
} from '../../../playbooks/parsers/kubelet-dns.js';
import { formatResolvConf, parseResolvConf } from '../../../playbooks/parsers/resolv-conf.js';
import type { ResolvConf } from '../../../playbooks/parsers/resolv-conf-types.js';

const NODE = parseResolvConf(
  'search ec2.internal corp.example.com.\nnameserver 10.0.0.2\nnameserver 10.0.0.3\noptions timeout:2 attempts:3 rotate\n',
);

function input(over: Partial<KubeletDnsInput> = {}): KubeletDnsInput {
  return {
    namespace: 'shop',
    clusterDnsIps: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    node: NODE,
    ...over,
  };
}

function rc(partial: Partial<ResolvConf>): ResolvConf {
  return { nameservers: [], search: [], options: {}, unknown: [], ...partial };
}

const CLUSTER_SEARCH = ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];
const CLUSTER = rc({
  nameservers: ['10.96.0.10'],
  search: [...CLUSTER_SEARCH, 'ec2.internal', 'corp.example.com'],
  options: { ndots: 5 },
});
// The kubelet's own parser trims the node's trailing dot.
const HOST = rc({
  nameservers: ['10.0.0.2', '10.0.0.3'],
  search: ['ec2.internal', 'corp.example.com'],
  options: { timeout: 2, attempts: 3, rotate: true },
});
const NONE = rc({});

const reasons = (r: KubeletDnsResult) => r.warnings.map((w) => w.reason);

describe('kubeletResolvConf: every dnsPolicy x hostNetwork', () => {
  it.each<[KubeletDnsInput['dnsPolicy'], boolean, KubeletDnsResult['effectivePolicy'], ResolvConf, string[]]>(
    [
      [undefined, false, 'ClusterFirst', CLUSTER, []],
      [undefined, true, 'Default', HOST, ['HostNetworkFallback']],
      ['ClusterFirst', false, 'ClusterFirst', CLUSTER, []],
      ['ClusterFirst', true, 'Default', HOST, ['HostNetworkFallback']],
      ['ClusterFirstWithHostNet', false, 'ClusterFirst', CLUSTER, []],
      ['ClusterFirstWithHostNet', true, 'ClusterFirst', CLUSTER, []],
      ['Default', false, 'Default', HOST, []],
      ['Default', true, 'Default', HOST, []],
      ['None', false, 'None', NONE, ['NoNameservers']],
      ['None', true, 'None', NONE, ['NoNameservers']],
    ],
  )('%s on hostNetwork=%s -> %s', (dnsPolicy, hostNetwork, effective, expected, warnings) => {
    const result = kubeletResolvConf(input({ dnsPolicy, hostNetwork }));
    expect(result.effectivePolicy).toBe(effective);
    expect(result.resolvConf).toEqual(expected);
    expect(reasons(result)).toEqual(warnings);
  });

  it('writes the ClusterFirst file the way the runtime does', () => {
    expect(formatResolvConf(kubeletResolvConf(input()).resolvConf)).toBe(
      'search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal corp.example.com\n' +
        'nameserver 10.96.0.10\n' +
        'options ndots:5\n',
    );
  });

  it('explains the hostNetwork fallback', () => {
    const [warning] = kubeletResolvConf(input({ hostNetwork: true })).warnings;
    expect(warning?.message).toMatch(/ClusterFirstWithHostNet/);
  });

  it('tells why None has no nameserver', () => {
    const [warning] = kubeletResolvConf(input({ dnsPolicy: 'None' })).warnings;
    expect(warning?.message).toContain('must provide at least one DNS nameserver when `dnsPolicy` is None');
  });
});

describe('kubeletResolvConf: dnsConfig is merged into every policy', () => {
  const DNS_CONFIG: PodDnsConfig = {
    nameservers: ['10.96.0.10', '1.1.1.1'],
    searches: ['cluster.local', 'extra.example'],
    options: [
      { name: 'ndots', value: '2' },
      { name: 'single-request-reopen' },
      { name: 'timeout', value: '1' },
    ],
  };
  const MERGED_OPTIONS: ResolvConf['options'] = { ndots: 2, 'single-request-reopen': true, timeout: 1 };

  it.each<[KubeletDnsInput['dnsPolicy'], ResolvConf, string[]]>([
    [
      'ClusterFirst',
      rc({
        nameservers: ['10.96.0.10', '1.1.1.1'],
        search: [...CLUSTER.search, 'extra.example'],
        options: MERGED_OPTIONS,
      }),
      [],
    ],
    [
      'Default',
      rc({
        // 2 node + 2 pod nameservers: the 4th is cut.
        nameservers: ['10.0.0.2', '10.0.0.3', '10.96.0.10'],
        search: ['ec2.internal', 'corp.example.com', 'cluster.local', 'extra.example'],
        options: { ...MERGED_OPTIONS, attempts: 3, rotate: true },
      }),
      ['DNSConfigForming'],
    ],
    [
      'None',
      rc({
        nameservers: ['10.96.0.10', '1.1.1.1'],
        search: ['cluster.local', 'extra.example'],
        options: MERGED_OPTIONS,
      }),
      [],
    ],
  ])('%s', (dnsPolicy, expected, warnings) => {
    const result = kubeletResolvConf(input({ dnsPolicy, dnsConfig: DNS_CONFIG }));
    expect(result.resolvConf).toEqual(expected);
    expect(reasons(result)).toEqual(warnings);
  });

  it('reports the Default nameserver cut with the kubelet event text', () => {
    const result = kubeletResolvConf(input({ dnsPolicy: 'Default', dnsConfig: DNS_CONFIG }));
    expect(result.warnings).toEqual([
      {
        reason: 'DNSConfigForming',
        message:
          'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ' +
          '10.0.0.2 10.0.0.3 10.96.0.10',
      },
    ]);
  });

  it.each<[string, PodDnsConfig['options'], ResolvConf['options'], string[]]>([
    ['a value overrides ndots:5', [{ name: 'ndots', value: '1' }], { ndots: 1 }, []],
    ['an empty value is a flag', [{ name: 'edns0', value: '' }], { ndots: 5, edns0: true }, []],
    // The kubelet replaces ndots:5 by a bare `ndots`, which glibc ignores: ndots falls back to 1.
    ['a bare ndots removes ndots:5', [{ name: 'ndots' }], {}, ['options ndots']],
    [
      'a non-numeric value is kept verbatim',
      [{ name: 'foo', value: 'bar' }],
      { ndots: 5 },
      ['options foo:bar'],
    ],
    ['glibc caps apply to what the kubelet writes', [{ name: 'ndots', value: '40' }], { ndots: 15 }, []],
    [
      'the last duplicate wins',
      [
        { name: 'timeout', value: '1' },
        { name: 'timeout', value: '4' },
      ],
      { ndots: 5, timeout: 4 },
      [],
    ],
  ])('options: %s', (_name, options, expected, unknown) => {
    const result = kubeletResolvConf(input({ dnsConfig: { options } }));
    expect(result.resolvConf.options).toEqual(expected);
    expect(result.resolvConf.unknown).toEqual(unknown);
  });

  it('writes a bare ndots on the options line', () => {
    const result = kubeletResolvConf(input({ node: rc({}), dnsConfig: { options: [{ name: 'ndots' }] } }));
    expect(formatResolvConf(result.resolvConf)).toBe(
      'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots\n',
    );
  });

  it('deduplicates searches the pod repeats, keeping the first position', () => {
    const result = kubeletResolvConf(
      input({ dnsConfig: { searches: ['svc.cluster.local', 'ec2.internal', 'z.example'] } }),
    );
    expect(result.resolvConf.search).toEqual([...CLUSTER.search, 'z.example']);
  });

  it('does not deduplicate Default nameservers without a dnsConfig', () => {
    const node = rc({ nameservers: ['10.0.0.2', '10.0.0.2'] });
    expect(kubeletResolvConf(input({ dnsPolicy: 'Default', node })).resolvConf.nameservers).toEqual([
      '10.0.0.2',
      '10.0.0.2',
    ]);
    expect(
      kubeletResolvConf(input({ dnsPolicy: 'Default', node, dnsConfig: {} })).resolvConf.nameservers,
    ).toEqual(['10.0.0.2']);
  });
});

describe('kubeletResolvConf: the guide NodeLocal DNSCache pod', () => {
  const NODELOCAL: KubeletDnsInput = input({
    namespace: 'default',
    dnsPolicy: 'None',
    dnsConfig: {
      nameservers: ['169.254.20.10', '172.21.0.10'],
      options: [
        { name: 'ndots', value: '3' },
        { name: 'timeout', value: '1' },
        { name: 'attempts', value: '2' },
      ],
      searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    },
  });

  it('gets exactly its dnsConfig', () => {
    const result = kubeletResolvConf(NODELOCAL);
    expect(result).toEqual({
      effectivePolicy: 'None',
      warnings: [],
      resolvConf: rc({
        nameservers: ['169.254.20.10', '172.21.0.10'],
        search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        options: { ndots: 3, timeout: 1, attempts: 2 },
      }),
    });
    expect(formatResolvConf(result.resolvConf)).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\n' +
        'nameserver 169.254.20.10\n' +
        'nameserver 172.21.0.10\n' +
        'options ndots:3 timeout:1 attempts:2\n',
    );
  });

  it('ignores the node entirely, even on hostNetwork', () => {
    expect(kubeletResolvConf({ ...NODELOCAL, hostNetwork: true }).resolvConf).toEqual(
      kubeletResolvConf({ ...NODELOCAL, node: rc({ nameservers: ['9.9.9.9'], search: ['x'] }) }).resolvConf,
    );
  });

  it('with --cluster-dns pointed at NodeLocal, ClusterFirst uses the link-local address', () => {
    const result = kubeletResolvConf(input({ clusterDnsIps: ['169.254.20.10'] }));
    expect(result.resolvConf.nameservers).toEqual(['169.254.20.10']);
  });
});

describe('kubeletResolvConf: kubelet edge cases', () => {
  it('deduplicates a node search domain written with a trailing dot', () => {
    const result = kubeletResolvConf(
      input({ node: rc({ search: ['cluster.local.', 'svc.cluster.local'] }) }),
    );
    expect(result.resolvConf.search).toEqual(CLUSTER_SEARCH);
  });

  it('adds no cluster domains when clusterDomain is empty', () => {
    expect(kubeletResolvConf(input({ clusterDomain: '' })).resolvConf.search).toEqual(HOST.search);
  });

  it.each<KubeletDnsInput['dnsPolicy']>(['ClusterFirst', 'ClusterFirstWithHostNet', undefined])(
    '%s without --cluster-dns falls back to Default',
    (dnsPolicy) => {
      const result = kubeletResolvConf(input({ dnsPolicy, clusterDnsIps: [] }));
      expect(result.effectivePolicy).toBe('Default');
      expect(result.resolvConf).toEqual(HOST);
      expect(result.warnings).toEqual([
        {
          reason: 'MissingClusterDNS',
          message:
            'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. ' +
            'Falling back to "Default" policy.',
        },
      ]);
    },
  );

  it('an invalid dnsPolicy is treated as ClusterFirst, even on hostNetwork', () => {
    const bogus = 'Bogus' as KubeletDnsInput['dnsPolicy'];
    const result = kubeletResolvConf(input({ dnsPolicy: bogus, hostNetwork: true }));
    expect(result.effectivePolicy).toBe('ClusterFirst');
    expect(result.resolvConf).toEqual(CLUSTER);
  });

  it('warns when Default gets an empty node file', () => {
    const result = kubeletResolvConf(input({ dnsPolicy: 'Default', node: parseResolvConf('garbage\n') }));
    expect(result.resolvConf.nameservers).toEqual([]);
    expect(reasons(result)).toEqual(['NoNameservers']);
  });

  it('cuts nameservers to 3 with the kubelet event text', () => {
    const result = kubeletResolvConf(
      input({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] } }),
    );
    expect(result.resolvConf.nameservers).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(result.warnings[0]?.message).toBe(
      'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ' +
        '1.1.1.1 2.2.2.2 3.3.3.3',
    );
  });
});

describe('kubeletResolvConf: search limits before and after ExpandedDNSConfig', () => {
  const FOUR = rc({
    search: ['a.example', 'b.example', 'c.example', 'd.example'],
    nameservers: ['10.0.0.2'],
  });
  const SEVEN = [...CLUSTER_SEARCH, 'a.example', 'b.example', 'c.example', 'd.example'];
  const SEARCH_CUT =
    'Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ';

  it.each<[number | undefined, string[], string[]]>([
    [22, SEVEN.slice(0, 6), ['DNSConfigForming']],
    [25, SEVEN.slice(0, 6), ['DNSConfigForming']],
    [26, SEVEN, []],
    [27, SEVEN, []],
    [28, SEVEN, []],
    [33, SEVEN, []],
    [undefined, SEVEN, []],
  ])('7 ClusterFirst search domains on 1.%s', (kubernetesMinor, search, warnings) => {
    const result = kubeletResolvConf(input({ node: FOUR, kubernetesMinor }));
    expect(result.resolvConf.search).toEqual(search);
    expect(reasons(result)).toEqual(warnings);
  });

  it('names the applied search line', () => {
    const result = kubeletResolvConf(input({ node: FOUR, kubernetesMinor: 25 }));
    expect(result.warnings[0]?.message).toBe(SEARCH_CUT + SEVEN.slice(0, 6).join(' '));
  });

  const domains = (n: number, len: number) =>
    Array.from({ length: n }, (_, i) => `${String(i).padStart(len - 8, 'x')}.example`);

  it.each<[string, number, string[], number]>([
    // 5 x 60 + 4 = 304 > 256: one domain cut from the end leaves 243.
    ['over 256 chars on 1.25', 25, domains(5, 60), 4],
    ['under 2048 chars on 1.28', 28, domains(5, 60), 5],
    // 30 x 70 + 29 = 2129 > 2048: cutting two leaves 1987.
    ['over 2048 chars on 1.28', 28, domains(30, 70), 28],
    ['33 domains on 1.28', 28, domains(33, 12), 32],
    ['7 domains on 1.25', 25, domains(7, 12), 6],
  ])('%s', (_name, kubernetesMinor, searches, kept) => {
    const result = kubeletResolvConf(
      input({ dnsPolicy: 'None', kubernetesMinor, dnsConfig: { nameservers: ['1.1.1.1'], searches } }),
    );
    expect(result.resolvConf.search).toEqual(searches.slice(0, kept));
    expect(reasons(result)).toEqual(kept < searches.length ? ['DNSConfigForming'] : []);
  });

  it('drops a search path longer than 253 characters anywhere in the list', () => {
    const long = `${'x'.repeat(250)}.com`;
    const result = kubeletResolvConf(
      input({
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example', long, 'b.example'] },
      }),
    );
    expect(result.resolvConf.search).toEqual(['a.example', 'b.example']);
    expect(result.warnings).toEqual([
      { reason: 'DNSConfigForming', message: `${SEARCH_CUT}a.example b.example` },
    ]);
  });

  it('reports the nameserver cut before the search cut', () => {
    const result = kubeletResolvConf(
      input({
        dnsPolicy: 'None',
        kubernetesMinor: 24,
        dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: domains(7, 12) },
      }),
    );
    expect(result.warnings.map((w) => w.message.split(',')[0])).toEqual([
      'Nameserver limits were exceeded',
      'Search Line limits were exceeded',
    ]);
  });

  it.each([
    [25, { paths: 6, chars: 256 }],
    [26, { paths: 32, chars: 2048 }],
    [28, { paths: 32, chars: 2048 }],
    [undefined, { paths: 32, chars: 2048 }],
    [Number.NaN, { paths: 32, chars: 2048 }],
  ])('dnsSearchLimits(%s)', (minor, limits) => {
    expect(dnsSearchLimits(minor)).toEqual(limits);
  });
});

describe('dnsLimitProblems', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.example`);

  it.each<[string, ResolvConf, number | undefined, RegExp[]]>([
    ['a kubelet pod file', parseResolvConf('search a b c\nnameserver 10.96.0.10\noptions ndots:5\n'), 28, []],
    [
      '4 nameservers',
      rc({ nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'] }),
      28,
      [/^4 nameservers.*ignored: 4\.4\.4\.4$/],
    ],
    [
      '7 search domains on 1.25',
      rc({ search: many(7) }),
      25,
      [/^7 search domains: over the limit of 6 for Kubernetes 1\.25/],
    ],
    ['7 search domains on 1.28', rc({ search: many(7) }), 28, []],
    [
      '33 search domains, version unknown',
      rc({ search: many(33) }),
      undefined,
      [/^33 search domains: over the limit of 32 for current Kubernetes/],
    ],
    [
      'a 300-char line on 1.25',
      rc({ search: [`${'x'.repeat(150)}.a`, `${'y'.repeat(150)}.b`] }),
      25,
      [/^search line is 305 characters: over the limit of 256/],
    ],
    ['a 254-char domain', rc({ search: ['x'.repeat(254)] }), 28, [/^1 search domain\(s\) longer than 253/]],
  ])('%s', (_name, conf, minor, expected) => {
    const problems = dnsLimitProblems(conf, minor);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => {
      expect(problems[i]).toMatch(re);
    });
  });
});
