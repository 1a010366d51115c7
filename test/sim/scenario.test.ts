import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as corefiles from '../fixtures/corefiles.js';
import { listScenarios, loadScenario, parseScenario, SCENARIOS_DIR, ScenarioError } from './scenario/load.js';
import type { K8sObject, Scenario } from './scenario/types.js';

const dir = mkdtempSync(join(tmpdir(), 'dnsmedic-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

function find(s: Scenario, kind: string, name: string, namespace?: string): K8sObject | undefined {
  return s.objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
}

function spec(o: K8sObject | undefined): Record<string, unknown> {
  return (o?.spec ?? {}) as Record<string, unknown>;
}

function data(o: K8sObject | undefined): Record<string, string> {
  return (o?.data ?? {}) as Record<string, string>;
}

const base = (name: string) => loadScenario(join(SCENARIOS_DIR, 'bases', `${name}.yaml`));

describe('shipped bases', () => {
  it.each([
    ['kubeadm', 'kubeadm', '10.96.0.10', corefiles.KUBEADM, 'kube-node-1'],
    ['eks', 'eks', '10.100.0.10', corefiles.EKS, 'ip-192-168-12-34.us-west-2.compute.internal'],
    ['aks', 'aks', '10.0.0.10', corefiles.AKS, 'aks-nodepool1-38201745-vmss000000'],
    ['ack', 'ack', '172.21.0.10', corefiles.ACK, 'cn-hangzhou.192.168.0.198'],
    ['k3s', 'k3s', '10.43.0.10', corefiles.K3S, 'k3s-agent-1'],
    ['gke-kube-dns', 'gke', '34.118.224.10', undefined, 'gke-prod-default-pool-3f2a1b9c-7xkq'],
  ])('%s loads: style %s, DNS Service %s, healthy', (name, style, dnsIp, corefile, clientNode) => {
    const s = base(name);
    expect(s.style).toBe(style);
    expect(s.expect.verdict).toBe('dns.healthy');
    expect(s.target).toEqual({ namespace: 'shop', pod: 'web-7d9f8c6b5-x2x4q' });
    expect(spec(find(s, 'Service', 'kube-dns', 'kube-system')).clusterIP).toBe(dnsIp);
    expect(spec(find(s, 'Pod', 'web-7d9f8c6b5-x2x4q', 'shop')).nodeName).toBe(clientNode);
    expect(s.objects.filter((o) => o.kind === 'Node')).toHaveLength(3);
    const coredns = find(s, 'ConfigMap', 'coredns', 'kube-system') as
      | { data?: { Corefile?: string } }
      | undefined;
    expect(coredns?.data?.Corefile).toBe(corefile);
  });

  it.each(['kubeadm', 'eks', 'aks', 'ack', 'k3s', 'gke-kube-dns'])(
    '%s serves DNS on the Service IP and every DNS pod behind it, and describes every node',
    (name) => {
      const s = base(name);
      const service = find(s, 'Service', 'kube-dns', 'kube-system');
      const slices = s.objects.filter(
        (o) => o.kind === 'EndpointSlice' && o.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns',
      ) as unknown as { endpoints: { addresses: string[] }[] }[];
      const podIps = slices.flatMap((e) => e.endpoints.flatMap((ep) => ep.addresses));
      expect(podIps.length).toBeGreaterThan(0);
      for (const ip of [spec(service).clusterIP as string, ...podIps])
        expect(s.dns).toHaveProperty([`${ip}:53`]);
      const nodes = s.objects.filter((o) => o.kind === 'Node').map((o) => o.metadata.name);
      for (const pod of s.objects.filter((o) => o.kind === 'Pod'))
        expect(nodes).toContain(spec(pod).nodeName);
      expect(Object.keys(s.nodeFacts).sort()).toEqual([...nodes].sort());
      for (const facts of Object.values(s.nodeFacts)) {
        const ratio = (facts.conntrackEntries ?? 0) / (facts.conntrackMax ?? 1);
        expect(ratio).toBeGreaterThanOrEqual(0.02);
        expect(ratio).toBeLessThanOrEqual(0.05);
        expect(facts.cpuBusy).toBeGreaterThanOrEqual(0.1);
        expect(facts.cpuBusy).toBeLessThanOrEqual(0.3);
      }
    },
  );

  it.each(['kubeadm', 'eks', 'aks', 'ack', 'k3s'])(
    '%s CoreDNS logs carry the startup banner with the SHA512 of the Corefile it runs',
    (name) => {
      const s = base(name);
      const corefile = data(find(s, 'ConfigMap', 'coredns', 'kube-system')).Corefile ?? '';
      const sha = createHash('sha512').update(corefile).digest('hex');
      const logs = Object.entries(s.logs).filter(([key]) =>
        /^kube-system\/coredns-[^/]+\/coredns$/.test(key),
      );
      expect(logs.length).toBeGreaterThan(0);
      for (const [, text] of logs) {
        expect(text).toMatch(/Z \.:53\n/);
        expect(text).toContain(`[INFO] plugin/reload: Running configuration SHA512 = ${sha}`);
        expect(text).toMatch(/Z CoreDNS-1\.11\.\d\n.*Z linux\/amd64, go1\.\d+\.\d+, [0-9a-f]{7}\n/);
      }
    },
  );

  it('kubeadm: CoreDNS 1.11.1 on two nodes other than the client, kube-proxy in iptables mode on each node', () => {
    const s = base('kubeadm');
    const corednsPods = s.objects.filter(
      (o) => o.kind === 'Pod' && o.metadata.labels?.['k8s-app'] === 'kube-dns',
    );
    expect(new Set(corednsPods.map((p) => spec(p).nodeName))).toEqual(
      new Set(['kube-node-2', 'kube-node-3']),
    );
    for (const p of corednsPods)
      expect(p.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ReplicaSet', name: 'coredns-7db6d8ff4d' }),
      ]);
    expect(JSON.stringify(spec(find(s, 'Deployment', 'coredns')))).toContain(
      'registry.k8s.io/coredns/coredns:v1.11.1',
    );
    expect(data(find(s, 'ConfigMap', 'kube-proxy', 'kube-system'))['config.conf']).toMatch(
      /^mode: iptables$/m,
    );
    expect(
      s.objects.filter((o) => o.kind === 'Pod' && o.metadata.labels?.['k8s-app'] === 'kube-proxy'),
    ).toHaveLength(3);
    expect(spec(find(s, 'Service', 'kubernetes', 'default')).clusterIP).toBe('10.96.0.1');
  });

  it('ack: NodeLocal binds the link-local address and the kube-dns IP; the client got the injected dnsConfig', () => {
    const s = base('ack');
    expect(data(find(s, 'ConfigMap', 'node-local-dns', 'kube-system')).Corefile).toContain(
      'bind 169.254.20.10 172.21.0.10',
    );
    expect(find(s, 'DaemonSet', 'node-local-dns', 'kube-system')).toBeDefined();
    const client = spec(find(s, 'Pod', 'web-7d9f8c6b5-x2x4q', 'shop'));
    expect(client.dnsPolicy).toBe('None');
    expect(client.dnsConfig).toMatchObject({ nameservers: ['169.254.20.10', '172.21.0.10'] });
    expect(s.dns).toHaveProperty(['169.254.20.10:53']);
    expect(find(s, 'Node', 'cn-hangzhou.192.168.0.198')?.spec).toMatchObject({
      providerID: expect.stringMatching(/^cn-hangzhou\.i-/),
    });
  });

  it('k3s has no kube-proxy DaemonSet and serves node names from NodeHosts; gke runs kube-dns, not CoreDNS', () => {
    const k3s = base('k3s');
    expect(k3s.objects.some((o) => o.kind === 'DaemonSet' && o.metadata.name.includes('kube-proxy'))).toBe(
      false,
    );
    expect(JSON.stringify(spec(find(k3s, 'Deployment', 'coredns')))).toContain(
      'rancher/mirrored-coredns-coredns',
    );
    expect(k3s.dns['10.43.0.10:53']?.records?.['k3s-server-1']).toEqual({ A: ['192.168.1.21'] });
    const gke = base('gke-kube-dns');
    expect(find(gke, 'Deployment', 'coredns')).toBeUndefined();
    const template = spec(find(gke, 'Deployment', 'kube-dns')).template as {
      spec: { containers: { name: string }[] };
    };
    expect(template.spec.containers.map((c) => c.name)).toEqual(['kubedns', 'dnsmasq', 'sidecar']);
    expect(gke.expect.findings).toEqual(['dns.provider-kube-dns']);
  });
});

describe('shipped scenarios', () => {
  it('the example extends kubeadm and expects dns.healthy', () => {
    const s = loadScenario(join(SCENARIOS_DIR, 'healthy-kubeadm.yaml'));
    expect(s.name).toBe('healthy-kubeadm');
    expect(s.expect.verdict).toBe('dns.healthy');
    expect(s.target.domain).toBe('cart.shop.svc.cluster.local');
    expect(s.objects).toEqual(base('kubeadm').objects);
  });

  it('the complete example of docs/scenarios.md loads and means what the document says', () => {
    const doc = readFileSync(new URL('../../docs/scenarios.md', import.meta.url), 'utf8');
    const example = /<!-- example: complete -->\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const s = loadScenario(write('doc-example.yaml', example));
    expect(s.expect.verdict).toBe('coredns.loop-detected');
    const pod = find(s, 'Pod', 'coredns-7db6d8ff4d-v8n2m', 'kube-system');
    expect(pod?.status).toMatchObject({ podIP: '10.244.3.4', containerStatuses: [{ restartCount: 9 }] });
    expect(find(s, 'Event', 'coredns-7db6d8ff4d-4xkqp.17ecb3f0a1b2c3d4', 'kube-system')).toBeDefined();
    expect(Object.keys(s.logs).sort()).toEqual([
      'kube-system/coredns-7db6d8ff4d-4xkqp/coredns@previous',
      'kube-system/coredns-7db6d8ff4d-v8n2m/coredns@previous',
    ]);
    expect(s.dns['10.96.0.10:53']).toMatchObject({
      silent: 'both',
      records: base('kubeadm').dns['10.96.0.10:53']?.records,
    });
    expect(Object.keys(s.metrics.pods)).not.toContain('kube-system/coredns-7db6d8ff4d-4xkqp');
  });

  it('lists the shipped scenarios, sorted, without the bases', () => {
    const list = listScenarios();
    expect(list.map((s) => s.name)).toEqual([...list.map((s) => s.name)].sort());
    expect(list).toContainEqual({
      name: 'healthy-kubeadm',
      description: 'Healthy kubeadm cluster; shop/web resolves cart and external names',
      style: 'kubeadm',
      verdict: 'dns.healthy',
    });
    expect(list.map((s) => s.name)).not.toContain('kubeadm');
  });
});

const TINY_BASE = `description: tiny base
style: kubeadm
now: '2024-08-20T10:00:00Z'
cluster: { name: tiny, version: v1.30.4 }
target: { namespace: shop, pod: web }
expect: { verdict: dns.healthy }
objects:
- { apiVersion: v1, kind: Node, metadata: { name: n1 } }
- { apiVersion: v1, kind: Node, metadata: { name: n2 } }
- { apiVersion: v1, kind: Pod, metadata: { name: web, namespace: shop }, spec: { nodeName: n1, containers: [{ name: web }] } }
- apiVersion: v1
  kind: Pod
  metadata: { name: coredns-a, namespace: kube-system, labels: { k8s-app: kube-dns } }
  spec: { nodeName: n2, containers: [{ name: coredns }] }
  status: { phase: Running }
logs:
  kube-system/coredns-a/coredns: "2024-08-20T09:00:00Z .:53\\n"
exec:
  shop/web/web: { cat /etc/resolv.conf: "nameserver 10.96.0.10\\n", ldd --version: "ldd (GNU libc) 2.36\\n" }
metrics:
  pods: { kube-system/coredns-a: { coredns: { cpu: 3m, memory: 18Mi } } }
  nodes: { n1: { cpu: 100m, memory: 1Gi }, n2: { cpu: 200m, memory: 2Gi } }
nodeFacts: { n1: { conntrackEntries: 100, conntrackMax: 1000 }, n2: { cpuBusy: 0.1 } }
dns: { '10.96.0.10:53': { records: { a.example: { A: [192.0.2.1] } } } }
faults: { latencyMs: 5, rules: [{ resource: pods/log, status: 403 }] }
`;

function overTiny(text: string, file = 'over.yaml'): Scenario {
  const tiny = parseScenario(TINY_BASE, 'bases/tiny.yaml', () => {
    throw new Error('a base of its own');
  });
  return parseScenario(text, file, (name) => {
    if (name !== 'tiny') throw new Error(`unknown base "${name}"`);
    return tiny;
  });
}

describe('extends', () => {
  const merged = overTiny(`extends: tiny
description: scenario over tiny
expect: { verdict: coredns.pods-not-ready, findings: [coredns.pods-not-ready] }
cluster: { version: v1.31.0 }
remove: [{ kind: Node, name: n2 }]
objects:
- { apiVersion: v1, kind: Pod, metadata: { name: coredns-a, namespace: kube-system }, spec: { nodeName: n1, containers: [{ name: coredns }] }, status: { phase: Pending } }
- { apiVersion: v1, kind: Service, metadata: { name: extra, namespace: shop }, spec: { clusterIP: 10.96.1.1 } }
logs:
  kube-system/coredns-a/coredns@previous: "2024-08-20T09:59:00Z [FATAL] plugin/loop: Loop detected\\n"
exec: { shop/web/web: { ldd --version: "musl libc (x86_64)\\n" } }
metrics: { pods: { shop/web: { web: { cpu: 1m, memory: 1Mi } } } }
nodeFacts: { n1: { conntrackEntries: 990 } }
dns: { '10.96.0.10:53': { latencyMs: 800 } }
faults: { rules: [{ verb: list, resource: pods, status: 500 }] }
`);

  it('replaces an object with the same identity wholesale, in place, and appends new ones', () => {
    const pod = find(merged, 'Pod', 'coredns-a', 'kube-system');
    expect(pod?.metadata.labels).toBeUndefined();
    expect(pod?.status).toEqual({ phase: 'Pending' });
    expect(merged.objects.map((o) => o.metadata.name)).toEqual(['n1', 'web', 'coredns-a', 'extra']);
  });

  it('removes base objects, and with a node its facts and metrics', () => {
    expect(find(merged, 'Node', 'n2')).toBeUndefined();
    expect(merged.nodeFacts).not.toHaveProperty('n2');
    expect(merged.metrics.nodes).toEqual({ n1: { cpu: '100m', memory: '1Gi' } });
  });

  it('merges logs, exec, metrics, node facts and DNS servers by key, the scenario winning field by field', () => {
    expect(Object.keys(merged.logs).sort()).toEqual([
      'kube-system/coredns-a/coredns',
      'kube-system/coredns-a/coredns@previous',
    ]);
    expect(merged.exec['shop/web/web']).toEqual({
      'cat /etc/resolv.conf': 'nameserver 10.96.0.10\n',
      'ldd --version': 'musl libc (x86_64)\n',
    });
    expect(Object.keys(merged.metrics.pods).sort()).toEqual(['kube-system/coredns-a', 'shop/web']);
    expect(merged.nodeFacts.n1).toEqual({ conntrackEntries: 990, conntrackMax: 1000 });
    expect(merged.dns['10.96.0.10:53']).toEqual({
      records: { 'a.example': { A: ['192.0.2.1'] } },
      latencyMs: 800,
    });
  });

  it('replaces faults, takes expect and description from the scenario, merges cluster, inherits the rest', () => {
    expect(merged.faults).toEqual({ latencyMs: 0, rules: [{ verb: 'list', resource: 'pods', status: 500 }] });
    expect(merged.expect).toEqual({
      verdict: 'coredns.pods-not-ready',
      findings: ['coredns.pods-not-ready'],
      absent: [],
    });
    expect(merged.description).toBe('scenario over tiny');
    expect(merged.cluster).toEqual({ name: 'tiny', version: 'v1.31.0' });
    expect(merged.target).toEqual({ namespace: 'shop', pod: 'web' });
    expect([merged.style, merged.now, merged.name]).toEqual(['kubeadm', '2024-08-20T10:00:00Z', 'over']);
  });

  it('drops a removed pod’s logs, exec and metrics; null deletes an entry; metrics: null means no metrics-server', () => {
    const s = overTiny(`extends: tiny
description: no CoreDNS pod, no metrics-server
expect: { verdict: coredns.no-pods }
remove: [{ kind: Pod, name: coredns-a, namespace: kube-system }]
exec: { shop/web/web: null }
dns: { '10.96.0.10:53': null }
metrics: null
`);
    expect(find(s, 'Pod', 'coredns-a')).toBeUndefined();
    expect(s.logs).toEqual({});
    expect(s.exec).toEqual({});
    expect(s.dns).toEqual({});
    expect(s.metrics).toEqual({ pods: {}, nodes: {} });
  });

  it('fills the defaults for a scenario without a base', () => {
    const s = parseScenario(
      `description: standalone
style: custom
now: '2024-08-20T10:00:00Z'
cluster: { name: solo, version: v1.30.0 }
target: { namespace: shop, pod: web }
expect: { verdict: check.inconclusive }
objects:
- { apiVersion: v1, kind: Pod, metadata: { name: web, namespace: shop }, spec: { containers: [{ name: web }] } }
`,
      'standalone.yaml',
      () => {
        throw new Error('no bases here');
      },
    );
    expect(s).toMatchObject({
      logs: {},
      exec: {},
      dns: {},
      nodeFacts: {},
      metrics: { pods: {}, nodes: {} },
      faults: { latencyMs: 0, rules: [] },
      expect: { verdict: 'check.inconclusive', findings: [], absent: [] },
    });
  });

  it('refuses to remove what the base does not have', () => {
    const err = errorOf(() =>
      overTiny(
        'extends: tiny\ndescription: x\nexpect: { verdict: dns.healthy }\nremove:\n- { kind: ConfigMap, name: corednz }\n',
      ),
    );
    expect(err.message).toBe('over.yaml:5:3: remove[0]: the base has no ConfigMap corednz to remove');
  });
});

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle}`);
  return text.slice(0, at).split('\n').length;
}

describe('errors name the file, the line and what is wrong', () => {
  const header = 'extends: kubeadm\ndescription: broken on purpose\n';

  it('a missing metadata.name deep in the objects', () => {
    const text = `${header}expect: { verdict: dns.healthy }
objects:
- { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: shop } }
- { apiVersion: v1, kind: ConfigMap, metadata: { name: b, namespace: shop } }
- { apiVersion: v1, kind: ConfigMap, metadata: { name: c, namespace: shop } }
- apiVersion: v1
  kind: ConfigMap
  metadata:
    namespace: shop
    labels: { app: x }
  data: { k: v }
`;
    const path = write('no-name.yaml', text);
    const err = errorOf(() => loadScenario(path));
    expect(err.file).toBe(path);
    expect(err.line).toBe(lineOf(text, '  metadata:\n    namespace'));
    expect(err.message).toBe(`${path}:${err.line}:3: objects[3].metadata.name: required`);
  });

  it('an unknown top-level key, with the likely one', () => {
    const text = `${header}expects: { verdict: dns.healthy }\n`;
    const err = errorOf(() => loadScenario(write('typo.yaml', text)));
    expect(err.message).toContain(`typo.yaml:3:1: expects: unknown key (did you mean "expect"?)`);
    expect(err.message).toContain('typo.yaml:1:1: expect: required');
  });

  it('a verdict that is not in the catalog', () => {
    const err = errorOf(() =>
      loadScenario(write('verdict.yaml', `${header}expect:\n  verdict: coredns.loop\n`)),
    );
    expect(err.line).toBe(4);
    expect(err.column).toBe(12);
    expect(err.message).toMatch(
      /verdict\.yaml:4:12: expect\.verdict: unknown verdict "coredns\.loop" \(did you mean "coredns\.loop-detected"\?\)/,
    );
  });

  it('a log for a pod that does not exist, and a container the pod lacks', () => {
    const text = `${header}expect: { verdict: dns.healthy }
logs:
  kube-system/coredns-7db6d8ff4d-4xkqp/coredns@previous: |
    2024-08-20T09:58:00.1Z [INFO] fine
  kube-system/coredns-7db6d8ff4d-zzzzz/coredns: |
    2024-08-20T09:58:00.1Z [INFO] plugin/reload: Running configuration SHA512 = 00
  kube-system/coredns-7db6d8ff4d-v8n2m/dns: "2024-08-20T09:58:00Z x"
`;
    const path = write('logs.yaml', text);
    const err = errorOf(() => loadScenario(path));
    expect(err.message.split('\n')).toEqual([
      `${path}:${lineOf(text, '  kube-system/coredns-7db6d8ff4d-zzzzz')}:3: logs["kube-system/coredns-7db6d8ff4d-zzzzz/coredns"]: no Pod kube-system/coredns-7db6d8ff4d-zzzzz among the objects`,
      `${path}:${lineOf(text, '  kube-system/coredns-7db6d8ff4d-v8n2m')}:3: logs["kube-system/coredns-7db6d8ff4d-v8n2m/dns"]: Pod kube-system/coredns-7db6d8ff4d-v8n2m has no container "dns" (it has coredns)`,
    ]);
  });

  it('a log line without its timestamp, at its own line inside the block', () => {
    const text = `${header}expect: { verdict: dns.healthy }
logs:
  kube-system/coredns-7db6d8ff4d-4xkqp/coredns: |
    2024-08-20T09:58:00Z .:53
    [INFO] plugin/reload: Running configuration SHA512 = 00
`;
    const err = errorOf(() => loadScenario(write('stamp.yaml', text)));
    expect(err.line).toBe(lineOf(text, '    [INFO]'));
    expect(err.message).toContain('log line 2 does not start with an RFC 3339 timestamp');
  });

  it('YAML syntax errors keep the parser’s line', () => {
    const text = `${header}expect: { verdict: dns.healthy }\nobjects:\n  - kind: Pod\n   bad: indent\n`;
    const err = errorOf(() => loadScenario(write('syntax.yaml', text)));
    expect(err.line).toBe(6);
    expect(err.message).toMatch(/\/syntax\.yaml:6:\d+: /);
  });

  it('an unknown base, at the extends line', () => {
    const err = errorOf(() =>
      loadScenario(
        write('base.yaml', 'description: x\nexpect: { verdict: dns.healthy }\nextends: kubeadmm\n'),
      ),
    );
    expect(err.message).toMatch(
      /\/base\.yaml:3:10: extends: unknown base "kubeadmm" \(did you mean "kubeadm"\?\); bases: ack, aks, eks, gke-kube-dns, k3s, kubeadm$/,
    );
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries())
      levels.push(`${name}: &${name} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`);
    const err = errorOf(() => loadScenario(write('bomb.yaml', `${levels.join('\n')}\n`)));
    expect(err.message).toMatch(/bomb\.yaml:1:1: Excessive alias count/);
  });

  it('refuses a file over 5 MB without parsing it', () => {
    const path = write('huge.yaml', `description: big\n# ${'x'.repeat(6 * 1024 * 1024)}\n`);
    const err = errorOf(() => loadScenario(path));
    expect(err.line).toBeUndefined();
    expect(err.message).toBe(
      `${path}: the file is ${6 * 1024 * 1024 + 20} bytes; a scenario may be at most 5242880 bytes (5 MB)`,
    );
  });
});
