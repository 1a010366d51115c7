import { afterEach, describe, expect, it } from 'vitest';
import type { Gathered } from '../../playbooks/model/gathered.js';
import { parseCorefile } from '../../playbooks/parsers/corefile.js';
import { spliceCustom } from '../../workers/gather/corefile-custom.js';
import { gatherEvidence } from '../../workers/gather/index.js';
import type { K8sObject, Scenario } from '../sim/scenario/types.js';
import { COREFILE, healthyScenario } from './fixtures.js';
import { type SimCluster, startCluster } from './sim-cluster.js';

let cluster: SimCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function gather(scenario: Scenario, domain = 'web-0.web.shop.svc.cluster.local') {
  cluster = await startCluster(scenario);
  const { evidence } = await gatherEvidence({
    kubeconfig: cluster.kubeconfig,
    target: { namespace: 'shop', pod: 'web-0', domain },
    prometheusUrl: cluster.prometheus.url,
    now: () => new Date(scenario.now),
  });
  return evidence;
}

function v<T>(g: Gathered<T> | undefined): T {
  if (!g?.ok) throw new Error(`unseen: ${g && !g.ok ? g.reason : 'absent'}`);
  return g.value;
}

/** The scenario object `kind`/`name`, typed as the test needs to change it. */
function find<T>(s: Scenario, kind: string, name: string): T {
  return s.objects.find((o) => o.kind === kind && o.metadata.name === name) as unknown as T;
}

const AKS_COREFILE = COREFILE.replace(
  '    loadbalance\n}',
  '    loadbalance\n    import custom/*.override\n}\nimport custom/*.server',
);

const ONPREM = `corp.contoso.com:53 {
    errors
    forward . 10.50.0.4 {
        max_concurrent 100
    }
}
`;

/** The healthy cluster made AKS-like: the Corefile imports custom/*, the pods mount coredns-custom. */
function aksLike(custom: Record<string, string> | undefined): Scenario {
  const s = healthyScenario();
  find<{ data: Record<string, string> }>(s, 'ConfigMap', 'coredns').data.Corefile = AKS_COREFILE;
  for (const o of s.objects.filter((o) => o.kind === 'Pod' && o.metadata.name.startsWith('coredns-'))) {
    const spec = (o as unknown as { spec: { containers: Record<string, unknown>[]; volumes: unknown[] } })
      .spec;
    (spec.containers[0] as Record<string, unknown>).volumeMounts = [
      { name: 'config-volume', mountPath: '/etc/coredns', readOnly: true },
      { name: 'custom-config-volume', mountPath: '/etc/coredns/custom', readOnly: true },
    ];
    spec.volumes.push({
      name: 'custom-config-volume',
      configMap: { name: 'coredns-custom', optional: true },
    });
  }
  if (custom)
    s.objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns-custom', namespace: 'kube-system' },
      data: custom,
    } as K8sObject);
  return s;
}

describe('coredns-custom (AKS, k3s)', () => {
  it('splices *.override into the importing server block and appends *.server blocks, reading it once', async () => {
    const e = await gather(aksLike({ 'log.override': 'log\n', 'onprem.server': ONPREM, 'other.txt': 'x' }));
    const corefile = v(e.corefile);
    const lines = corefile.text.split('\n');
    const main = corefile.parsed.servers[0];
    const log = main?.directives.find((d) => d.name === 'log');
    expect(log).toBeDefined();
    // Line numbers point into the text shown as evidence, under the key's header.
    expect(lines[(log?.line ?? 0) - 1]).toBe('log');
    expect(lines[(log?.line ?? 0) - 2]).toBe('# kube-system/coredns-custom/log.override');
    expect(corefile.parsed.servers.map((s) => s.keys[0]?.zone)).toEqual(['.', 'corp.contoso.com.']);
    const fwd = corefile.parsed.servers[1]?.directives.find((d) => d.name === 'forward');
    expect(fwd?.block[0]).toMatchObject({ name: 'max_concurrent', args: ['100'] });
    expect(lines[(fwd?.line ?? 0) - 1]?.trim()).toBe('forward . 10.50.0.4 {');
    expect(corefile.text).not.toContain('other.txt');
    expect(corefile.source).toBe('kube-system/coredns');
    expect(cluster?.gets().filter((g) => g.includes('configmaps/coredns-custom'))).toHaveLength(1);
  });

  it('leaves the main Corefile as it is when coredns-custom is missing', async () => {
    const e = await gather(aksLike(undefined));
    expect(v(e.corefile).text).toBe(AKS_COREFILE);
    expect(v(e.corefile).parsed).toEqual(parseCorefile(AKS_COREFILE));
  });
});

describe('CoreDNS pods a broken Service selector misses', () => {
  it('finds them through the Deployment selector', async () => {
    const s = healthyScenario();
    const svc = find<{ spec: { selector: Record<string, string> } }>(s, 'Service', 'kube-dns');
    svc.spec.selector = { ...svc.spec.selector, 'app.kubernetes.io/part-of': 'observability' };
    const e = await gather(s);
    expect(v(e.corednsPods).map((p) => p.metadata.name)).toEqual([
      'coredns-5d78c9869d-abcde',
      'coredns-5d78c9869d-fghij',
    ]);
    expect(v(e.corednsDeployment).metadata.name).toBe('coredns');
  });

  it('reads the version from the Deployment image when there are no pods', async () => {
    const s = healthyScenario();
    s.objects = s.objects.filter((o) => !(o.kind === 'Pod' && o.metadata.name.startsWith('coredns-')));
    const d = find<{ spec: Record<string, unknown> }>(s, 'Deployment', 'coredns');
    d.spec.replicas = 0;
    d.spec.template = {
      metadata: { labels: { 'k8s-app': 'kube-dns' } },
      spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.10.1' }] },
    };
    const e = await gather(s);
    expect(v(e.corednsPods)).toEqual([]);
    expect(v(e.corednsVersion)).toBe('1.10.1');
  });
});

describe('names asked through the search list', () => {
  it('takes <svc>.<ns> as a cluster name when the namespace exists', async () => {
    const e = await gather(healthyScenario(), 'web.shop');
    expect(v(e.askedName)).toMatchObject({ name: 'web.shop', kind: 'cluster' });
    expect(v(e.askedName).service?.metadata.name).toBe('web');
  });

  it('takes <a>.<b> as external when namespace <b> does not exist', async () => {
    const e = await gather(healthyScenario(), 'example.com');
    expect(v(e.askedName)).toEqual({ name: 'example.com', kind: 'external' });
    expect(cluster?.gets()).toContain('GET /api/v1/namespaces/com');
  });

  it('finds the StatefulSet by the pod name prefix when serviceName does not match', async () => {
    const e = await gather(healthyScenario(), 'web-0.web-headless.shop.svc.cluster.local');
    expect(v(e.askedName)).toMatchObject({ kind: 'cluster', podHostname: 'web-0' });
    expect(v(e.askedName).statefulSet?.metadata.name).toBe('web');
  });
});

describe('spliceCustom', () => {
  const K3S = `.:53 {
    errors
    import /etc/coredns/custom/*.override
}
cluster.local:53 {
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`;
  const base = { text: K3S, parsed: parseCorefile(K3S), source: 'kube-system/coredns' };
  const mount = { dir: '/etc/coredns/custom', confDir: '/etc/coredns' };

  it('splices k3s absolute imports into every importing block, listing a file problem once', () => {
    const out = spliceCustom(base, 'kube-system/coredns-custom', { 'a.override': 'log\n}\n' }, mount);
    const logs = out.parsed.servers.map((s) => s.directives.filter((d) => d.name === 'log').length);
    expect(logs).toEqual([1, 1]);
    const problems = out.parsed.problems.filter((p) => p.text.startsWith('a.override: '));
    expect(problems).toHaveLength(1);
    expect(out.text.split('\n')[(problems[0]?.line ?? 0) - 1]).toBe('}');
  });

  it('changes nothing when no key matches or the mount is elsewhere', () => {
    expect(spliceCustom(base, 'kube-system/coredns-custom', { 'a.conf': 'log' }, mount)).toBe(base);
    const elsewhere = { dir: '/etc/coredns/extra', confDir: '/etc/coredns' };
    expect(spliceCustom(base, 'kube-system/coredns-custom', { 'a.override': 'log' }, elsewhere)).toBe(base);
  });
});
