/**
 * Builders of Kubernetes objects in their API form for the gatherer fixtures, and the kube-system
 * add-ons of the healthy cluster: kube-proxy (iptables mode) and NodeLocal DNSCache.
 */
import type { K8sObject } from '../sim/scenario/types.js';

export const NODELOCAL_COREFILE = `cluster.local:53 {
    errors
    cache {
        success 9984 30
        denial 9984 5
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . 10.96.0.11 {
        force_tcp
    }
    prometheus :9253
    health 169.254.20.10:8080
}
.:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__UPSTREAM__SERVERS__
    prometheus :9253
}
`;

export const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({
  name,
  ...(namespace ? { namespace } : {}),
  ...(labels ? { labels } : {}),
  creationTimestamp: '2024-07-29T14:02:11Z',
});

export const owner = (kind: string, name: string) => [
  { apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true },
];

export function node(name: string, ip: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(name, undefined, { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' }),
    spec: { podCIDR: '10.244.0.0/24' },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: 'True' }],
      nodeInfo: { kernelVersion: '6.1.0-23-amd64', kubeletVersion: 'v1.30.4', architecture: 'amd64' },
    },
  };
}

export interface PodSpec {
  namespace: string;
  name: string;
  node: string;
  ip: string;
  labels: Record<string, string>;
  containers: { name: string; image: string; args?: string[]; resources?: unknown }[];
  owner?: { kind: string; name: string };
  volumes?: unknown[];
  restarts?: number;
  dnsPolicy?: string;
}

export function pod(p: PodSpec): K8sObject {
  const restarts = p.restarts ?? 0;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta(p.name, p.namespace, p.labels),
      ...(p.owner ? { ownerReferences: owner(p.owner.kind, p.owner.name) } : {}),
    },
    spec: {
      nodeName: p.node,
      dnsPolicy: p.dnsPolicy ?? 'ClusterFirst',
      containers: p.containers,
      ...(p.volumes ? { volumes: p.volumes } : {}),
    },
    status: {
      phase: 'Running',
      podIP: p.ip,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: p.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: true,
        restartCount: restarts,
        state: { running: { startedAt: '2024-08-20T09:30:00Z' } },
        ...(restarts > 0
          ? {
              lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2024-08-20T09:29:58Z' } },
            }
          : {}),
      })),
    },
  };
}

export function daemonSet(name: string, labels: Record<string, string>, template: unknown): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(name, 'kube-system', labels),
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: template } },
    status: { desiredNumberScheduled: 3, numberReady: 3 },
  };
}

export function systemPodsPerNode(
  prefix: string,
  labels: Record<string, string>,
  image: string,
): K8sObject[] {
  return [
    ['node-a', '10.0.1.11'],
    ['node-b', '10.0.1.12'],
    ['node-c', '10.0.1.13'],
  ].map(([n = '', ip = '']) =>
    pod({
      namespace: 'kube-system',
      name: `${prefix}-${n.slice(-1)}x7k2`,
      node: n,
      ip,
      labels,
      owner: { kind: 'DaemonSet', name: prefix },
      containers: [{ name: prefix, image }],
    }),
  );
}

/** kube-proxy and NodeLocal DNSCache: DaemonSets, ConfigMaps and a pod on every node. */
export function addonObjects(): K8sObject[] {
  return [
    // --- kube-proxy ---
    daemonSet(
      'kube-proxy',
      { 'k8s-app': 'kube-proxy' },
      {
        containers: [
          {
            name: 'kube-proxy',
            image: 'registry.k8s.io/kube-proxy:v1.30.4',
            command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'],
          },
        ],
        volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy' } }],
      },
    ),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('kube-proxy', 'kube-system'),
      data: {
        'config.conf':
          'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ""\n',
      },
    },
    ...systemPodsPerNode('kube-proxy', { 'k8s-app': 'kube-proxy' }, 'registry.k8s.io/kube-proxy:v1.30.4'),
    // --- NodeLocal DNSCache ---
    daemonSet(
      'node-local-dns',
      { 'k8s-app': 'node-local-dns' },
      {
        containers: [
          {
            name: 'node-cache',
            image: 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1',
            args: ['-localip', '169.254.20.10,10.96.0.10', '-conf', '/etc/Corefile'],
          },
        ],
        volumes: [
          {
            name: 'config-volume',
            configMap: { name: 'node-local-dns', items: [{ key: 'Corefile', path: 'Corefile.base' }] },
          },
        ],
      },
    ),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('node-local-dns', 'kube-system'),
      data: { Corefile: NODELOCAL_COREFILE },
    },
    ...systemPodsPerNode(
      'node-local-dns',
      { 'k8s-app': 'node-local-dns' },
      'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1',
    ),
  ];
}
