import { describe, expect, it } from 'vitest';
import { parseCorefile, parseCorefileFragment } from '../../../playbooks/parsers/corefile.js';
import {
  autopathEnabled,
  bindAddresses,
  clusterDomain,
  duplicatePluginInBlock,
  forwardHasOption,
  forwardTargets,
  kubernetesPodsMode,
  maxConcurrent,
  ONCE_PER_BLOCK,
  PLUGIN_HISTORY,
  parseCoreDnsVersion,
  plugins,
  queryLogEnabled,
  shadowedForwards,
  unknownPlugins,
} from '../../../playbooks/parsers/corefile-queries.js';
import type { Corefile } from '../../../playbooks/parsers/corefile-types.js';
import {
  ACK,
  AKS,
  AKS_OVERRIDE_SECOND_FORWARD,
  DEFAULT_COREFILES,
  EKS,
  K3S,
  KUBEADM,
  KUBEADM_CURRENT,
  KUBEADM_PROXY_ERA,
  NODELOCAL,
  NODELOCAL_RENDERED,
  NODELOCAL_TEMPLATE,
} from '../../fixtures/corefiles.js';

const parse = (text: string): Corefile => {
  const cf = parseCorefile(text);
  expect(cf.problems).toEqual([]);
  return cf;
};

/** Paste an override file where the Corefile imports it, as CoreDNS does at load time. */
function withOverride(text: string, override: string): Corefile {
  const cf = parse(text);
  const extra = parseCorefileFragment(override).directives;
  for (const server of cf.servers) {
    const at = server.directives.findIndex((d) => d.name === 'import' && d.args[0]?.endsWith('.override'));
    if (at !== -1) server.directives.splice(at, 1, ...extra);
  }
  return cf;
}

describe('facts of each default Corefile', () => {
  it.each([
    // name, clusterDomain, pods, query log, max_concurrent, prefer_udp, force_tcp, forwards
    ['kubeadm', KUBEADM, 'cluster.local', 'insecure', false, 1000, false, false, 1],
    ['kubeadm-current', KUBEADM_CURRENT, 'cluster.local', 'insecure', false, 1000, false, false, 1],
    ['kubeadm-proxy-era', KUBEADM_PROXY_ERA, 'cluster.local', 'insecure', false, undefined, false, false, 1],
    ['eks', EKS, 'cluster.local', 'insecure', false, undefined, false, false, 1],
    ['aks', AKS, 'cluster.local', 'insecure', false, undefined, false, false, 1],
    ['ack', ACK, 'cluster.local', 'verified', true, undefined, true, false, 1],
    ['k3s', K3S, 'cluster.local', 'insecure', false, undefined, false, false, 1],
    ['nodelocal', NODELOCAL, undefined, undefined, false, undefined, false, true, 4],
    ['nodelocal-rendered', NODELOCAL_RENDERED, undefined, undefined, false, undefined, false, true, 4],
  ] as const)('%s', (_, text, domain, pods, log, maxConc, preferUdp, forceTcp, forwards) => {
    const cf = parse(text);
    expect(clusterDomain(cf)).toBe(domain);
    expect(kubernetesPodsMode(cf)).toBe(pods);
    expect(queryLogEnabled(cf)).toBe(log);
    expect(maxConcurrent(cf)).toBe(maxConc);
    expect(forwardHasOption(cf, 'prefer_udp')).toBe(preferUdp);
    expect(forwardHasOption(cf, 'force_tcp')).toBe(forceTcp);
    expect(forwardTargets(cf)).toHaveLength(forwards);
    expect(autopathEnabled(cf)).toBeUndefined();
    expect(duplicatePluginInBlock(cf)).toEqual([]);
    expect(shadowedForwards(cf)).toEqual([]);
  });

  it.each(DEFAULT_COREFILES)(
    '$name: clusterDomain matches the fixture table',
    ({ text, clusterDomain: d }) => {
      expect(clusterDomain(parse(text))).toBe(d);
    },
  );
});

describe('plugins', () => {
  it('finds top-level uses in every server block, never options inside a block', () => {
    const cf = parse(NODELOCAL);
    expect(plugins(cf, 'bind').map((u) => [u.server.line, u.directive.line])).toEqual([
      [1, 9],
      [16, 21],
      [27, 32],
      [38, 43],
    ]);
    expect(plugins(parse(KUBEADM), 'lameduck')).toEqual([]);
    expect(plugins(parse(KUBEADM), 'max_concurrent')).toEqual([]);
  });

  it('matches names exactly, as CoreDNS does', () => {
    expect(plugins(parse('. {\n  Forward . 1.1.1.1\n}\n'), 'forward')).toEqual([]);
  });
});

describe('autopathEnabled', () => {
  it('returns the directive, with its line, when a Corefile enables autopath', () => {
    const cf = parse(
      '.:53 {\n  errors\n  autopath @kubernetes\n  kubernetes cluster.local {\n    pods verified\n  }\n}\n',
    );
    expect(autopathEnabled(cf)).toEqual({ name: 'autopath', args: ['@kubernetes'], block: [], line: 3 });
  });

  it('finds autopath pasted from a snippet', () => {
    const cf = parse('(k8s) {\n  autopath @kubernetes\n}\n.:53 {\n  import k8s\n}\n');
    expect(autopathEnabled(cf)?.line).toBe(2);
  });
});

describe('queryLogEnabled', () => {
  it.each([
    ['log in the root block', '.:53 {\n  log\n  forward . /etc/resolv.conf\n}\n', true],
    ['log with a class filter still logs', '.:53 {\n  log . {\n    class denial error\n  }\n}\n', true],
    ['log only in an unrelated zone', '.:53 {\n  errors\n}\ncorp.example:53 {\n  log\n}\n', false],
    [
      'log in the block serving the cluster domain',
      'cluster.local:53 {\n  log\n  kubernetes cluster.local\n}\n.:53 {\n  forward . 1.1.1.1\n}\n',
      true,
    ],
    ['no log anywhere', KUBEADM, false],
    ['log as an option inside another plugin', '.:53 {\n  forward . 1.1.1.1 {\n    log\n  }\n}\n', false],
  ])('%s', (_, text, expected) => {
    expect(queryLogEnabled(parse(text))).toBe(expected);
  });
});

describe('forwardTargets', () => {
  it('kubeadm: /etc/resolv.conf as written, options by name', () => {
    expect(forwardTargets(parse(KUBEADM))).toEqual([
      {
        zone: '.',
        targets: ['/etc/resolv.conf'],
        options: { max_concurrent: ['1000'] },
        line: 13,
        serverZones: ['.'],
      },
    ]);
  });

  it('NodeLocal: one forward per server block, placeholders as written', () => {
    expect(
      forwardTargets(parse(NODELOCAL)).map((f) => [
        f.serverZones[0],
        f.zone,
        f.targets,
        Object.keys(f.options),
      ]),
    ).toEqual([
      ['cluster.local.', '.', ['__PILLAR__CLUSTER__DNS__'], ['force_tcp']],
      ['in-addr.arpa.', '.', ['__PILLAR__CLUSTER__DNS__'], ['force_tcp']],
      ['ip6.arpa.', '.', ['__PILLAR__CLUSTER__DNS__'], ['force_tcp']],
      ['.', '.', ['__PILLAR__UPSTREAM__SERVERS__'], []],
    ]);
  });

  it('the old proxy plugin is read the same way and flagged', () => {
    expect(forwardTargets(parse(KUBEADM_PROXY_ERA))).toEqual([
      {
        zone: '.',
        targets: ['/etc/resolv.conf'],
        options: {},
        line: 10,
        serverZones: ['.'],
        legacyProxy: true,
      },
    ]);
  });

  it('normalises the FROM zone, concatenates a repeated option, keeps upstream schemes', () => {
    const cf = parse(
      '.:53 {\n  forward Corp.Example tls://10.0.0.2 10.0.0.3:5353 {\n    except a.corp.example\n    except b.corp.example\n  }\n}\n',
    );
    expect(forwardTargets(cf)).toEqual([
      {
        zone: 'corp.example.',
        targets: ['tls://10.0.0.2', '10.0.0.3:5353'],
        options: { except: ['a.corp.example', 'b.corp.example'] },
        line: 2,
        serverZones: ['.'],
      },
    ]);
  });

  it('a forward without arguments is still listed, with an empty zone', () => {
    expect(forwardTargets(parse('. {\n  forward\n}\n'))).toEqual([
      { zone: '', targets: [], options: {}, line: 2, serverZones: ['.'] },
    ]);
  });
});

describe('forwardHasOption', () => {
  it.each([
    ['ACK prefers UDP for .', ACK, 'prefer_udp', '.', true],
    ['kubeadm does not', KUBEADM, 'prefer_udp', '.', false],
    ['NodeLocal forces TCP for the cluster domain', NODELOCAL, 'force_tcp', 'cluster.local', true],
    ['... written with a trailing dot', NODELOCAL_RENDERED, 'force_tcp', 'cluster.local.', true],
    ['... and for reverse zones', NODELOCAL, 'force_tcp', 'in-addr.arpa', true],
    ['... but not for external names', NODELOCAL, 'force_tcp', '.', false],
    ['the template has the same shape', NODELOCAL_TEMPLATE, 'force_tcp', 'in-addr.arpa.', true],
    ['an unrelated zone', ACK, 'prefer_udp', 'corp.example', false],
  ] as const)('%s', (_, text, option, zone, expected) => {
    expect(forwardHasOption(parse(text), option, zone)).toBe(expected);
  });

  it('reads proxy`s `protocol dns force_tcp`', () => {
    const cf = parse('. {\n  proxy . 10.0.0.2 {\n    protocol dns force_tcp\n  }\n}\n');
    expect(forwardHasOption(cf, 'force_tcp')).toBe(true);
    expect(forwardHasOption(cf, 'prefer_udp')).toBe(false);
  });
});

describe('clusterDomain', () => {
  it.each([
    ['reverse zones first', '. {\n  kubernetes in-addr.arpa ip6.arpa Cluster.Local\n}\n', 'cluster.local'],
    ['a CIDR reverse zone first', '. {\n  kubernetes 10.0.0.0/8 k8s.internal\n}\n', 'k8s.internal'],
    [
      'no zone arguments: the server block zone',
      'mycluster.example:53 {\n  kubernetes\n}\n',
      'mycluster.example',
    ],
    ['no zone arguments in the root block', '.:53 {\n  kubernetes {\n    pods insecure\n  }\n}\n', undefined],
    [
      'the first kubernetes plugin wins',
      'a.example {\n  kubernetes a.example\n}\nb.example {\n  kubernetes\n}\n',
      'a.example',
    ],
    ['no kubernetes plugin', '. {\n  forward . 1.1.1.1\n}\n', undefined],
    [
      'a k3s template placeholder',
      '. {\n  kubernetes %{CLUSTER_DOMAIN}% in-addr.arpa\n}\n',
      '%{CLUSTER_DOMAIN}%',
    ],
  ])('%s', (_, text, expected) => {
    expect(clusterDomain(parse(text))).toBe(expected);
  });
});

describe('kubernetesPodsMode', () => {
  it.each([
    ['absent option means disabled', '. {\n  kubernetes cluster.local\n}\n', 'disabled'],
    ['explicitly disabled', '. {\n  kubernetes cluster.local {\n    pods disabled\n  }\n}\n', 'disabled'],
    ['an unknown mode', '. {\n  kubernetes cluster.local {\n    pods sometimes\n  }\n}\n', undefined],
    ['no kubernetes plugin', '. {\n  whoami\n}\n', undefined],
  ])('%s', (_, text, expected) => {
    expect(kubernetesPodsMode(parse(text))).toBe(expected);
  });
});

describe('bindAddresses', () => {
  it.each([
    [
      'NodeLocal binds the link-local address and the kube-dns IP',
      NODELOCAL,
      ['169.254.20.10', '10.96.0.10'],
    ],
    [
      'the template keeps its placeholders',
      NODELOCAL_TEMPLATE,
      ['__PILLAR__LOCAL__DNS__', '__PILLAR__DNS__SERVER__'],
    ],
    ['kubeadm binds nothing', KUBEADM, []],
    ['interfaces and except blocks', '. {\n  bind eth0 lo {\n    except 127.0.0.1\n  }\n}\n', ['eth0', 'lo']],
  ])('%s', (_, text, expected) => {
    expect(bindAddresses(parse(text))).toEqual(expected);
  });
});

describe('maxConcurrent', () => {
  it.each([
    ['kubeadm', KUBEADM, 1000],
    ['unset', EKS, undefined],
    ['not a number', '. {\n  forward . 1.1.1.1 {\n    max_concurrent lots\n  }\n}\n', undefined],
    [
      'the forward for . wins over a stub zone',
      '. {\n  forward corp.example 10.0.0.2 {\n    max_concurrent 10\n  }\n  forward . 1.1.1.1 {\n    max_concurrent 500\n  }\n}\n',
      500,
    ],
  ])('%s', (_, text, expected) => {
    expect(maxConcurrent(parse(text))).toBe(expected);
  });
});

describe('unknownPlugins', () => {
  it("kubeadm on CoreDNS 1.4.0: `ready` arrived in 1.5.0 (Unknown directive 'ready')", () => {
    expect(unknownPlugins(parse(KUBEADM), '1.4.0')).toEqual([
      { name: 'ready', line: 6, introducedIn: '1.5.0' },
    ]);
  });

  it.each(DEFAULT_COREFILES.filter((f) => !f.name.startsWith('nodelocal') && f.name !== 'kubeadm-proxy-era'))(
    '$name is fully known to CoreDNS 1.11.3',
    ({ text }) => {
      expect(unknownPlugins(parse(text), '1.11.3')).toEqual([]);
    },
  );

  it.each(['v1.4.0', 'CoreDNS-1.4.0', '1.4.0-eksbuild.1', 'registry.k8s.io/coredns/coredns:v1.4.0', '1.4'])(
    'reads the version out of %s',
    (version) => {
      expect(unknownPlugins(parse(EKS), version).map((u) => u.name)).toEqual(['ready']);
    },
  );

  it('proxy is gone from 1.5.0 on, and was fine before', () => {
    expect(unknownPlugins(parse(KUBEADM_PROXY_ERA), '1.5.0')).toEqual([
      { name: 'proxy', line: 10, removedIn: '1.5.0' },
    ]);
    expect(unknownPlugins(parse(KUBEADM_PROXY_ERA), '1.2.2')).toEqual([]);
  });

  it('the options of a plugin are never plugins (lameduck, max_concurrent, prefer_udp)', () => {
    expect(unknownPlugins(parse(ACK), '1.6.2')).toEqual([]);
  });

  it.each([
    ['minimal', '1.8.3', '1.8.4'],
    ['loop', '1.2.0', '1.2.1'],
    ['tsig', '1.9.3', '1.9.4'],
    ['view', '1.9.4', '1.10.0'],
    ['timeouts', '1.10.0', '1.10.1'],
    ['k8s_external', '1.2.6', '1.3.0'],
  ])('%s is unknown to %s, known from %s', (name, before, since) => {
    const cf = parse(`. {\n  ${name}\n}\n`);
    expect(unknownPlugins(cf, before)).toEqual([{ name, line: 2, introducedIn: since }]);
    expect(unknownPlugins(cf, since)).toEqual([]);
  });

  it('external plugins, typos and wrong case are unknown to every release', () => {
    const cf = parse('. {\n  k8s_gateway example.com\n  fowrard . 1.1.1.1\n  Forward . 1.1.1.1\n}\n');
    const expected = [
      { name: 'k8s_gateway', line: 2 },
      { name: 'fowrard', line: 3 },
      { name: 'Forward', line: 4 },
    ];
    expect(unknownPlugins(cf, '1.11.3')).toEqual(expected);
    // An unreadable version still lets these through.
    expect(unknownPlugins(cf, 'latest')).toEqual(expected);
  });

  it('a file import is not a plugin', () => {
    expect(unknownPlugins(parse(AKS), '1.5.0')).toEqual([]);
  });

  it('an unreadable version flags no in-tree plugin', () => {
    expect(unknownPlugins(parse(KUBEADM_PROXY_ERA), 'unknown')).toEqual([]);
  });

  it('parseCoreDnsVersion', () => {
    expect(parseCoreDnsVersion('v1.9.4-2')).toEqual([1, 9, 4]);
    expect(parseCoreDnsVersion('1.11')).toEqual([1, 11, 0]);
    expect(parseCoreDnsVersion('latest')).toBeUndefined();
  });

  it('every history entry names real releases, removal after arrival', () => {
    const rank = (v: string | undefined, fallback: number): number => {
      const p = v === undefined ? undefined : parseCoreDnsVersion(v);
      return p === undefined ? fallback : p[0] * 1e6 + p[1] * 1e3 + p[2];
    };
    for (const [name, h] of Object.entries(PLUGIN_HISTORY)) {
      if (h.since !== undefined) expect(parseCoreDnsVersion(h.since), name).toBeDefined();
      if (h.removed !== undefined) expect(parseCoreDnsVersion(h.removed), name).toBeDefined();
      expect(rank(h.since, 1e6), name).toBeLessThan(rank(h.removed, Number.POSITIVE_INFINITY));
    }
  });
});

describe('duplicatePluginInBlock', () => {
  it('AKS with a second forward in coredns-custom: reload fails before 1.9.4', () => {
    const cf = withOverride(AKS, AKS_OVERRIDE_SECOND_FORWARD);
    expect(duplicatePluginInBlock(cf)).toEqual([{ plugin: 'forward', line: 1, serverLine: 1 }]);
    expect(duplicatePluginInBlock(cf, 'v1.8.4')).toHaveLength(1);
    expect(duplicatePluginInBlock(cf, '1.9.3')).toHaveLength(1);
  });

  it('from CoreDNS 1.9.4 several forwards chain instead', () => {
    expect(duplicatePluginInBlock(withOverride(AKS, AKS_OVERRIDE_SECOND_FORWARD), 'v1.9.4-2')).toEqual([]);
  });

  it('other once-per-block plugins count on every version', () => {
    const cf = parse(
      '.:53 {\n  cache 30\n  errors\n  cache 60\n  kubernetes cluster.local\n  kubernetes k8s.local\n}\n',
    );
    expect(duplicatePluginInBlock(cf, '1.11.3')).toEqual([
      { plugin: 'cache', line: 4, serverLine: 1 },
      { plugin: 'kubernetes', line: 6, serverLine: 1 },
    ]);
  });

  it('repeatable plugins and separate blocks are fine', () => {
    const cf = parse(
      'a.example {\n  forward . 1.1.1.1\n  log\n  log\n  rewrite name a b\n  rewrite name c d\n}\nb.example {\n  forward . 8.8.8.8\n}\n',
    );
    expect(duplicatePluginInBlock(cf)).toEqual([]);
  });

  it('the once-per-block set holds what the 1.1.0 notes list plus ready and loop', () => {
    expect([...ONCE_PER_BLOCK].sort()).toEqual(
      [
        'cache',
        'dnssec',
        'errors',
        'forward',
        'hosts',
        'kubernetes',
        'loop',
        'nsid',
        'pprof',
        'prometheus',
        'ready',
        'reload',
        'root',
      ].sort(),
    );
  });
});

describe('shadowedForwards', () => {
  const k3sOverride = 'forward mydomain.tld 10.0.0.1\n';

  it('k3s: an override imported after the default forward never sees a query (k3s#12979)', () => {
    const cf = withOverride(K3S, k3sOverride);
    expect(shadowedForwards(cf)).toEqual([{ zone: 'mydomain.tld.', line: 1, shadowedBy: 15 }]);
  });

  it.each([
    ['placed before the default', '. {\n  forward mydomain.tld 10.0.0.1\n  forward . /etc/resolv.conf\n}\n'],
    [
      'excepted from the default',
      '. {\n  forward . /etc/resolv.conf {\n    except mydomain.tld\n  }\n  forward mydomain.tld 10.0.0.1\n}\n',
    ],
    [
      'the default hands some rcodes on',
      '. {\n  forward . /etc/resolv.conf {\n    next NXDOMAIN\n  }\n  forward mydomain.tld 10.0.0.1\n}\n',
    ],
    [
      'in another server block',
      '. {\n  forward . /etc/resolv.conf\n}\nmydomain.tld {\n  forward . 10.0.0.1\n}\n',
    ],
    ['a sibling zone', '. {\n  forward a.example 10.0.0.1\n  forward b.example 10.0.0.2\n}\n'],
  ])('not shadowed when %s', (_, text) => {
    expect(shadowedForwards(parse(text))).toEqual([]);
  });

  it('a subdomain after its parent zone is shadowed', () => {
    const cf = parse('. {\n  forward corp.example 10.0.0.1\n  forward eu.corp.example 10.0.0.2\n}\n');
    expect(shadowedForwards(cf)).toEqual([{ zone: 'eu.corp.example.', line: 3, shadowedBy: 2 }]);
  });
});

describe('totality', () => {
  it.each([
    ['empty', ''],
    ['garbage', '\u0000\u0001{{}}}"\n#'],
    ['NodeLocal with every brace removed', NODELOCAL.replace(/[{}]/g, '')],
  ])('every query answers on %s', (_, text) => {
    const cf = parseCorefile(text);
    expect(() => {
      plugins(cf, 'forward');
      autopathEnabled(cf);
      queryLogEnabled(cf);
      forwardTargets(cf);
      forwardHasOption(cf, 'force_tcp', 'cluster.local');
      clusterDomain(cf);
      kubernetesPodsMode(cf);
      bindAddresses(cf);
      maxConcurrent(cf);
      unknownPlugins(cf, '1.11.3');
      duplicatePluginInBlock(cf, '1.8.4');
      shadowedForwards(cf);
    }).not.toThrow();
  });
});
