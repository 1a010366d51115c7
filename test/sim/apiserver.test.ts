import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  EventsV1Api,
  KubeConfig,
  Metrics,
  NetworkingV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimApiServer, startApiServer } from './apiserver/index.js';
import type { K8sObject, Scenario } from './scenario/types.js';

function pod(
  namespace: string,
  name: string,
  extra: Partial<K8sObject> & { labels?: Record<string, string> } = {},
) {
  const { labels, ...rest } = extra;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, ...(labels === undefined ? {} : { labels }) },
    spec: { nodeName: 'node-a', containers: [{ name: 'main', image: 'busybox' }] },
    status: { phase: 'Running' },
    ...rest,
  } as K8sObject;
}

const ns = (name: string): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const node = (name: string, ip: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});

/** A minimal valid scenario: a few namespaces, two nodes, CoreDNS and a client app. */
function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'apiserver-test',
    description: 'objects for the API server stand-in',
    style: 'kubeadm',
    cluster: { name: 'sim-test', version: 'v1.30.2' },
    now: '2024-05-01T11:00:30Z',
    target: { namespace: 'shop', pod: 'web-1' },
    expect: { verdict: 'dns.healthy', findings: [], absent: [] },
    objects: [
      ns('default'),
      ns('kube-system'),
      ns('shop'),
      ns('dnsmedic'),
      node('node-a', '10.0.0.1'),
      node('node-b', '10.0.0.2'),
      pod('kube-system', 'coredns-1', { labels: { 'k8s-app': 'kube-dns' } }),
      pod('kube-system', 'coredns-2', {
        labels: { 'k8s-app': 'kube-dns' },
        spec: { nodeName: 'node-b', containers: [{ name: 'coredns' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'coredns',
              state: { running: {} },
              lastState: { terminated: { exitCode: 1 } },
              restartCount: 1,
            },
          ],
        },
      }),
      pod('shop', 'web-1', {
        labels: { app: 'web', tier: 'front' },
        spec: {
          nodeName: 'node-a',
          initContainers: [{ name: 'init' }],
          containers: [{ name: 'web' }, { name: 'sidecar' }],
        },
      }),
      pod('shop', 'web-2', {
        labels: { app: 'web' },
        spec: { nodeName: 'node-b', containers: [{ name: 'web' }] },
      }),
      pod('shop', 'starting-1', {
        spec: { nodeName: 'node-a', containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }],
        },
      }),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
        spec: { replicas: 2 },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'kube-dns-x1',
          namespace: 'kube-system',
          labels: { 'kubernetes.io/service-name': 'kube-dns' },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.244.0.5'] }],
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny-egress', namespace: 'shop' },
        spec: { podSelector: {}, policyTypes: ['Egress'] },
      },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web-1.17a', namespace: 'shop' },
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
        reason: 'DNSConfigForming',
        message: 'Nameserver limits were exceeded',
        type: 'Warning',
      },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web-2.17b', namespace: 'shop' },
        involvedObject: { kind: 'Pod', name: 'web-2', namespace: 'shop' },
        reason: 'Scheduled',
        message: 'Successfully assigned',
        type: 'Normal',
      },
    ],
    logs: {
      'kube-system/coredns-1/main': [
        '2024-05-01T10:00:00Z .:53',
        '2024-05-01T10:30:00.5Z [INFO] plugin/reload: Running configuration SHA512 = abc',
        'CoreDNS-1.11.1',
        '2024-05-01T11:00:00Z [ERROR] plugin/errors: 2 example.com. A: read udp: i/o timeout',
        '',
      ].join('\n'),
      'kube-system/coredns-2/coredns@previous': '[FATAL] plugin/loop: Loop (127.0.0.1:53 -> :53) detected\n',
      'shop/web-1/web': 'GET /\nGET /health\n',
    },
    metrics: {
      pods: { 'kube-system/coredns-1': { main: { cpu: '95m', memory: '30Mi' } } },
      nodes: { 'node-a': { cpu: '250m', memory: '1Gi' } },
    },
    nodeFacts: {},
    exec: {},
    dns: {},
    faults: { latencyMs: 0, rules: [] },
    kubelet: { nodes: {} },
    probePods: {},
    network: { refused: [] },
    ...overrides,
  };
}

let server: SimApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(s: Scenario = scenario()) {
  server = await startApiServer(s);
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig);
  return { server, kc, core: kc.makeApiClient(CoreV1Api) };
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: number; status: Record<string, unknown> }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  const e = err as ApiException<string>;
  return { code: e.code, status: JSON.parse(e.body) as Record<string, unknown> };
}

describe('API server stand-in: reads', () => {
  it('serves /version from the scenario and names its cluster in the kubeconfig', async () => {
    const { kc } = await start();
    expect(kc.getCurrentContext()).toBe('sim-test');
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.30.2');
    expect(version.minor).toBe('30');
  });

  it('refuses requests without the token, as an authenticating server does', async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/api/v1/pods`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('lists as a {Kind}List with a resourceVersion and items without apiVersion/kind', async () => {
    const { server, core } = await start();
    const list = await core.listPodForAllNamespaces();
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([
      'kube-system/coredns-1',
      'kube-system/coredns-2',
      'shop/starting-1',
      'shop/web-1',
      'shop/web-2',
    ]);
    const token = { authorization: 'Bearer sim-sim-test' };
    const raw = (await (
      await fetch(`${server.url}/api/v1/namespaces/shop/pods`, { headers: token })
    ).json()) as {
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion?: string };
      items: Record<string, unknown>[];
    };
    expect(raw.kind).toBe('PodList');
    expect(raw.apiVersion).toBe('v1');
    expect(raw.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(raw.items[0]).not.toHaveProperty('kind');
    expect(raw.items[0]).not.toHaveProperty('apiVersion');
  });

  it.each([
    ['k8s-app=kube-dns', 'kube-system', ['coredns-1', 'coredns-2']],
    ['app==web', 'shop', ['web-1', 'web-2']],
    ['app in (web,api),tier!=front', 'shop', ['web-2']],
    ['app,!tier', 'shop', ['web-2']],
    ['tier notin (front)', 'shop', ['starting-1', 'web-2']],
    ['!app', 'shop', ['starting-1']],
  ])('label selector %s', async (labelSelector, namespace, names) => {
    const { core } = await start();
    const list = await core.listNamespacedPod({ namespace, labelSelector });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(names);
  });

  it.each([
    ['spec.nodeName=node-b', ['kube-system/coredns-2', 'shop/web-2']],
    ['status.phase!=Running', ['shop/starting-1']],
    ['metadata.namespace=shop,spec.nodeName=node-a', ['shop/starting-1', 'shop/web-1']],
    ['metadata.name=web-1', ['shop/web-1']],
  ])('field selector %s', async (fieldSelector, keys) => {
    const { core } = await start();
    const list = await core.listPodForAllNamespaces({ fieldSelector });
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual(keys);
  });

  it('selects events by involvedObject and refuses fields the server does not index', async () => {
    const { core } = await start();
    const events = await core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: 'involvedObject.name=web-1,involvedObject.kind=Pod',
    });
    expect(events.items.map((e) => e.reason)).toEqual(['DNSConfigForming']);
    const bad = await rejection(
      core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'spec.dnsPolicy=None' }),
    );
    expect(bad.code).toBe(400);
    expect(bad.status).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.dnsPolicy',
    });
  });

  it('serves the same events through events.k8s.io/v1 with its field names', async () => {
    const { kc } = await start();
    const events = await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: 'shop' });
    expect(events.items.map((e) => [e.regarding?.name, e.note])).toEqual([
      ['web-1', 'Nameserver limits were exceeded'],
      ['web-2', 'Successfully assigned'],
    ]);
  });

  it('pages with limit and continue', async () => {
    const { core } = await start();
    const first = await core.listPodForAllNamespaces({ limit: 2 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual(['coredns-1', 'coredns-2']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const second = await core.listPodForAllNamespaces({ limit: 2, _continue: first.metadata?._continue });
    expect(second.items.map((p) => p.metadata?.name)).toEqual(['starting-1', 'web-1']);
    const last = await core.listPodForAllNamespaces({ limit: 2, _continue: second.metadata?._continue });
    expect(last.items.map((p) => p.metadata?.name)).toEqual(['web-2']);
    expect(last.metadata?._continue).toBeUndefined();
  });

  it('gets objects of other groups and cluster-scoped ones', async () => {
    const { kc, core } = await start();
    const deployment = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ namespace: 'kube-system', name: 'coredns' });
    expect(deployment.spec?.replicas).toBe(2);
    const slices = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
      namespace: 'kube-system',
      labelSelector: 'kubernetes.io/service-name=kube-dns',
    });
    expect(slices.items[0]?.endpoints[0]?.addresses).toEqual(['10.244.0.5']);
    const policies = await kc
      .makeApiClient(NetworkingV1Api)
      .listNamespacedNetworkPolicy({ namespace: 'shop' });
    expect(policies.items.map((p) => p.metadata?.name)).toEqual(['deny-egress']);
    expect((await core.readNode({ name: 'node-b' })).status?.addresses?.[0]?.address).toBe('10.0.0.2');
    expect((await core.readNamespace({ name: 'shop' })).metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a missing object with a NotFound Status', async () => {
    const { kc, core } = await start();
    const missing = await rejection(core.readNamespacedPod({ namespace: 'shop', name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(missing.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    const apps = kc.makeApiClient(AppsV1Api);
    const deployment = await rejection(apps.readNamespacedDeployment({ namespace: 'shop', name: 'nope' }));
    expect(deployment.status).toMatchObject({
      message: 'deployments.apps "nope" not found',
      details: { group: 'apps' },
    });
  });

  it('answers paths a real server does not have with 404, never a made-up endpoint', async () => {
    const { server } = await start();
    const headers = { authorization: 'Bearer sim-sim-test' };
    for (const path of [
      '/apis/example.com/v1/things',
      '/api/v2/pods',
      '/nodes',
      '/api/v1/namespaces/shop/nodes/node-a',
      '/api/v1/pods/web-1',
    ]) {
      const res = await fetch(`${server.url}${path}`, { headers });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    }
    const discovery = (await (await fetch(`${server.url}/apis`, { headers })).json()) as {
      groups: { name: string }[];
    };
    expect(discovery.groups.map((g) => g.name)).toContain('metrics.k8s.io');
    expect(server.requests.filter((r) => r.status === 404)).toHaveLength(5);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/apis/example.com/v1/things',
      query: '',
    });
  });
});

describe('API server stand-in: pod logs', () => {
  const coredns = { namespace: 'kube-system', name: 'coredns-1' };

  it('strips the line timestamps unless asked, and keeps lines that have none', async () => {
    const { core } = await start();
    expect(await core.readNamespacedPodLog(coredns)).toBe(
      '.:53\n[INFO] plugin/reload: Running configuration SHA512 = abc\nCoreDNS-1.11.1\n' +
        '[ERROR] plugin/errors: 2 example.com. A: read udp: i/o timeout\n',
    );
  });

  it('tails with timestamps, giving an unstamped line the time of the line before it', async () => {
    const { core } = await start();
    const log = await core.readNamespacedPodLog({ ...coredns, tailLines: 2, timestamps: true });
    expect(log).toBe(
      '2024-05-01T10:30:00.5Z CoreDNS-1.11.1\n' +
        '2024-05-01T11:00:00Z [ERROR] plugin/errors: 2 example.com. A: read udp: i/o timeout\n',
    );
  });

  it('stamps a log without timestamps deterministically, ending before the scenario now', async () => {
    const { core } = await start();
    const log = await core.readNamespacedPodLog({
      namespace: 'shop',
      name: 'web-1',
      container: 'web',
      timestamps: true,
    });
    expect(log).toBe('2024-05-01T11:00:28Z GET /\n2024-05-01T11:00:29Z GET /health\n');
  });

  it('counts sinceSeconds back from the scenario now', async () => {
    const { core } = await start();
    const log = await core.readNamespacedPodLog({ ...coredns, sinceSeconds: 600 });
    expect(log).toBe('CoreDNS-1.11.1\n[ERROR] plugin/errors: 2 example.com. A: read udp: i/o timeout\n');
  });

  it('serves the previous container log as text/plain', async () => {
    const { server, core } = await start();
    const previous = { namespace: 'kube-system', name: 'coredns-2', previous: true };
    expect(await core.readNamespacedPodLog(previous)).toBe(
      '[FATAL] plugin/loop: Loop (127.0.0.1:53 -> :53) detected\n',
    );
    expect(await core.readNamespacedPodLog({ namespace: 'kube-system', name: 'coredns-2' })).toBe('');
    const res = await fetch(`${server.url}/api/v1/namespaces/kube-system/pods/coredns-2/log?previous=true`, {
      headers: { authorization: 'Bearer sim-sim-test' },
    });
    expect(res.headers.get('content-type')).toBe('text/plain');
  });

  it.each([
    [
      { namespace: 'kube-system', name: 'coredns-1', previous: true },
      'previous terminated container "main" in pod "coredns-1" not found',
    ],
    [
      { namespace: 'shop', name: 'web-1' },
      'a container name must be specified for pod web-1, choose one of: [web sidecar] or one of the init containers: [init]',
    ],
    [{ namespace: 'shop', name: 'web-1', container: 'nope' }, 'container nope is not valid for pod web-1'],
    [
      { namespace: 'shop', name: 'starting-1' },
      'container "app" in pod "starting-1" is waiting to start: ContainerCreating',
    ],
  ])('answers %j with a 400 Status', async (request, message) => {
    const { core } = await start();
    const { code, status } = await rejection(core.readNamespacedPodLog(request));
    expect(code).toBe(400);
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
      message,
    });
  });

  it('serves the last container of a crash-looping one, as the kubelet does', async () => {
    const crashing = pod('kube-system', 'coredns-9', {
      spec: { nodeName: 'node-a', containers: [{ name: 'coredns' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'coredns',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1 } },
          },
        ],
      },
    });
    const pulling = pod('kube-system', 'coredns-8', {
      status: {
        phase: 'Pending',
        containerStatuses: [{ name: 'main', state: { waiting: { reason: 'ImagePullBackOff' } } }],
      },
    });
    const logs = { 'kube-system/coredns-9/coredns@previous': 'plugin/loop: Loop detected\n' };
    const { core } = await start(scenario({ objects: [ns('kube-system'), crashing, pulling], logs }));
    expect(await core.readNamespacedPodLog({ namespace: 'kube-system', name: 'coredns-9' })).toBe(
      'plugin/loop: Loop detected\n',
    );
    const { status } = await rejection(
      core.readNamespacedPodLog({ namespace: 'kube-system', name: 'coredns-8' }),
    );
    expect(status.message).toBe(
      'container "main" in pod "coredns-8" is waiting to start: trying and failing to pull image',
    );
  });

  it('answers the log of a missing pod with NotFound', async () => {
    const { core } = await start();
    const { code, status } = await rejection(core.readNamespacedPodLog({ namespace: 'shop', name: 'gone' }));
    expect(code).toBe(404);
    expect(status.message).toBe('pods "gone" not found');
  });
});

describe('API server stand-in: faults', () => {
  const withFaults = (faults: Scenario['faults']) => scenario({ faults });

  it('forbids pods/log in one namespace with the RBAC message, and nothing else', async () => {
    const { core } = await start(
      withFaults({
        latencyMs: 0,
        rules: [{ verb: 'get', resource: 'pods/log', namespace: 'kube-system', status: 403 }],
      }),
    );
    const { code, status } = await rejection(
      core.readNamespacedPodLog({ namespace: 'kube-system', name: 'coredns-1' }),
    );
    expect(code).toBe(403);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods "coredns-1" is forbidden: User "system:serviceaccount:dnsmedic:dnsmedic" cannot get resource "pods/log" ' +
        'in API group "" in the namespace "kube-system"',
      reason: 'Forbidden',
      details: { name: 'coredns-1', kind: 'pods' },
      code: 403,
    });
    expect(
      (await core.readNamespacedPod({ namespace: 'kube-system', name: 'coredns-1' })).metadata?.name,
    ).toBe('coredns-1');
    expect(await core.readNamespacedPodLog({ namespace: 'shop', name: 'web-1', container: 'web' })).toContain(
      'GET /',
    );
  });

  it('denies a cluster-wide list when a namespace is denied, naming the cluster scope', async () => {
    const { core } = await start(
      withFaults({
        latencyMs: 0,
        rules: [{ verb: 'list', resource: 'pods', namespace: 'kube-system', status: 403 }],
      }),
    );
    const { status } = await rejection(core.listPodForAllNamespaces());
    expect(status.message).toBe(
      'pods is forbidden: User "system:serviceaccount:dnsmedic:dnsmedic" cannot list resource "pods" in API group "" at the cluster scope',
    );
    expect((await core.listNamespacedPod({ namespace: 'shop' })).items).toHaveLength(3);
  });

  it('answers a 500 on one resource of a group', async () => {
    const { kc } = await start(
      withFaults({ latencyMs: 0, rules: [{ resource: 'deployments.apps', status: 500 }] }),
    );
    const apps = kc.makeApiClient(AppsV1Api);
    const { code, status } = await rejection(
      apps.readNamespacedDeployment({ namespace: 'kube-system', name: 'coredns' }),
    );
    expect(code).toBe(500);
    expect(status).toMatchObject({
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request timed out',
    });
    expect((await apps.listNamespacedDaemonSet({ namespace: 'kube-system' })).items).toEqual([]);
  });

  it('adds the scenario latency to every request', async () => {
    const { server, core } = await start(withFaults({ latencyMs: 60, rules: [] }));
    const started = performance.now();
    await core.listNode();
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(server.requests.at(-1)?.ms).toBeGreaterThanOrEqual(55);
  });

  it('delays one resource past a client timeout, records it, and still closes promptly', async () => {
    const rules = [{ resource: 'configmaps', status: 200, delayMs: 10_000 }];
    const { server } = await start(withFaults({ latencyMs: 0, rules }));
    const slow = fetch(`${server.url}/api/v1/namespaces/kube-system/configmaps`, {
      headers: { authorization: 'Bearer sim-sim-test' },
      signal: AbortSignal.timeout(100),
    });
    await expect(slow).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests).toEqual([
      expect.objectContaining({ path: '/api/v1/namespaces/kube-system/configmaps', status: 0 }),
    ]);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('API server stand-in: metrics.k8s.io', () => {
  it('serves pod and node metrics for objects that exist', async () => {
    const { kc } = await start();
    const metrics = new Metrics(kc);
    const pods = await metrics.getPodMetrics('kube-system');
    expect(pods.kind).toBe('PodMetricsList');
    expect(pods.items.map((p) => [p.metadata.name, p.containers[0]?.usage.cpu])).toEqual([
      ['coredns-1', '95m'],
    ]);
    const nodes = await metrics.getNodeMetrics();
    expect(nodes.items.map((n) => [n.metadata.name, n.usage.memory])).toEqual([['node-a', '1Gi']]);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const one = (await custom.getNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace: 'kube-system',
      plural: 'pods',
      name: 'coredns-1',
    })) as { kind: string; window: string };
    expect(one).toMatchObject({ kind: 'PodMetrics', window: '30s' });
  });

  it('is absent (404) in a cluster without metrics-server', async () => {
    const { server, kc } = await start(scenario({ metrics: { pods: {}, nodes: {} } }));
    const err = await new Metrics(kc).getPodMetrics('kube-system').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<unknown>).code).toBe(404);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const { status } = await rejection(
      custom.listClusterCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' }),
    );
    expect(status).toMatchObject({
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    const apis = await fetch(`${server.url}/apis`, { headers: { authorization: 'Bearer sim-sim-test' } });
    expect(JSON.stringify(await apis.json())).not.toContain('metrics.k8s.io');
  });

  it('forbids pods.metrics.k8s.io without touching core pods', async () => {
    const rules = [{ resource: 'pods.metrics.k8s.io', status: 403 }];
    const { kc, core } = await start(scenario({ faults: { latencyMs: 0, rules } }));
    const custom = kc.makeApiClient(CustomObjectsApi);
    const { status } = await rejection(
      custom.listNamespacedCustomObject({
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        namespace: 'kube-system',
        plural: 'pods',
      }),
    );
    expect(status.message).toBe(
      'pods.metrics.k8s.io is forbidden: User "system:serviceaccount:dnsmedic:dnsmedic" cannot list resource "pods" ' +
        'in API group "metrics.k8s.io" in the namespace "kube-system"',
    );
    expect((await core.listNamespacedPod({ namespace: 'kube-system' })).items).toHaveLength(2);
  });
});

describe('API server stand-in: pod create and delete', () => {
  const probe = {
    metadata: { generateName: 'dnsmedic-probe-', labels: { app: 'dnsmedic-probe' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'probe', image: 'dnsmedic:test' }] },
  };

  it('stores a created pod as Pending with the server defaults, then deletes it', async () => {
    const { core } = await start();
    const created = await core.createNamespacedPod({ namespace: 'dnsmedic', body: probe });
    const name = created.metadata?.name ?? '';
    expect(name).toMatch(/^dnsmedic-probe-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.status?.phase).toBe('Pending');
    expect(created.spec?.dnsPolicy).toBe('ClusterFirst');
    expect(created.metadata?.creationTimestamp).toEqual(new Date('2024-05-01T11:00:30Z'));
    const listed = await core.listNamespacedPod({
      namespace: 'dnsmedic',
      labelSelector: 'app=dnsmedic-probe',
    });
    expect(listed.items.map((p) => p.metadata?.name)).toEqual([name]);

    const deleted = await core.deleteNamespacedPod({ namespace: 'dnsmedic', name });
    expect(deleted.metadata?.name).toBe(name);
    expect(deleted.metadata?.deletionTimestamp).toBeDefined();
    expect((await rejection(core.readNamespacedPod({ namespace: 'dnsmedic', name }))).code).toBe(404);
    expect((await rejection(core.deleteNamespacedPod({ namespace: 'dnsmedic', name }))).code).toBe(404);
  });

  it.each([
    [
      'an existing name',
      'shop',
      { ...probe, metadata: { name: 'web-1' } },
      409,
      'pods "web-1" already exists',
    ],
    ['a missing namespace', 'nowhere', probe, 404, 'namespaces "nowhere" not found'],
    [
      'no containers',
      'dnsmedic',
      { metadata: { name: 'empty' }, spec: { containers: [] } },
      422,
      'Pod "empty" is invalid: spec.containers: Required value',
    ],
  ])('refuses a pod with %s', async (_case, namespace, body, code, message) => {
    const { core } = await start();
    const refused = await rejection(core.createNamespacedPod({ namespace, body }));
    expect(refused.code).toBe(code);
    expect(refused.status.message).toBe(message);
  });

  it('refuses a body over 1 MB', async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/api/v1/namespaces/dnsmedic/pods`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim-sim-test', 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'big', annotations: { a: 'x'.repeat(1_100_000) } } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
  });
});
