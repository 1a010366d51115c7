/**
 * A healthy kubeadm-like cluster as a simulator Scenario, built in code so gatherer tests can
 * change one thing at a time. Client `shop/web-0` (a StatefulSet pod, alpine image) on node-a;
 * cluster DNS `kube-system/kube-dns` 10.96.0.10 -> two CoreDNS 1.11.1 pods on node-b and node-c
 * (the second restarted once); kube-proxy DaemonSet in iptables mode; NodeLocal DNSCache binding
 * 169.254.20.10 and 10.96.0.10; metrics-server; node-exporter facts for node-a.
 */

import { KUBEADM } from '../fixtures/corefiles.js';
import type { ApiFault, K8sObject, Scenario } from '../sim/scenario/types.js';
import { addonObjects, meta, node, owner, pod } from './fixture-objects.js';

export const NOW = '2024-08-20T10:00:00Z';

export const COREFILE = KUBEADM;

const corednsVolumes = [
  { name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } },
];

function corednsPod(suffix: string, nodeName: string, ip: string, restarts = 0): K8sObject {
  return pod({
    namespace: 'kube-system',
    name: `coredns-5d78c9869d-${suffix}`,
    node: nodeName,
    ip,
    labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d' },
    owner: { kind: 'ReplicaSet', name: 'coredns-5d78c9869d' },
    containers: [
      {
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.11.1',
        args: ['-conf', '/etc/coredns/Corefile'],
        resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
      },
    ],
    volumes: corednsVolumes,
    restarts,
    dnsPolicy: 'Default',
  });
}

const stamped = (at: string, lines: string[]) => `${lines.map((l) => `${at} ${l}`).join('\n')}\n`;

function objects(): K8sObject[] {
  const ns = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(name, undefined, { 'kubernetes.io/metadata.name': name }),
  });
  return [
    ns('default'),
    ns('kube-system'),
    ns('shop'),
    node('node-a', '10.0.1.11'),
    node('node-b', '10.0.1.12'),
    node('node-c', '10.0.1.13'),
    // --- client ---
    pod({
      namespace: 'shop',
      name: 'web-0',
      node: 'node-a',
      ip: '10.244.1.15',
      labels: { app: 'web' },
      owner: { kind: 'StatefulSet', name: 'web' },
      containers: [{ name: 'web', image: 'nginx:1.27-alpine' }],
    }),
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('web', 'shop', { app: 'web' }),
      spec: { serviceName: 'web', replicas: 1, selector: { matchLabels: { app: 'web' } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web', 'shop', { app: 'web' }),
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-dns', 'shop'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta('web-0.17e9a', 'shop'),
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
      type: 'Normal',
      reason: 'Started',
      message: 'Started container web',
      count: 1,
      lastTimestamp: '2024-08-20T09:30:00Z',
    },
    // --- cluster DNS ---
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' }),
      spec: {
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        selector: { 'k8s-app': 'kube-dns' },
        sessionAffinity: 'None',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('kube-dns-upstream', 'kube-system', { 'k8s-app': 'kube-dns' }),
      spec: {
        clusterIP: '10.96.0.11',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [{ name: 'dns', port: 53 }],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta('kube-dns-x7k2p', 'kube-system', { 'kubernetes.io/service-name': 'kube-dns' }),
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.2.3'], conditions: { ready: true }, nodeName: 'node-b' },
        { addresses: ['10.244.3.4'], conditions: { ready: true }, nodeName: 'node-c' },
      ],
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }),
      spec: { replicas: 2, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...meta('coredns-5d78c9869d', 'kube-system', { 'k8s-app': 'kube-dns' }),
        ownerReferences: owner('Deployment', 'coredns'),
      },
      spec: { replicas: 2, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
    },
    corednsPod('abcde', 'node-b', '10.244.2.3'),
    corednsPod('fghij', 'node-c', '10.244.3.4', 1),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('coredns', 'kube-system'),
      data: { Corefile: COREFILE },
    },
    ...addonObjects(),
  ];
}

export const BANNER = ['.:53', 'CoreDNS-1.11.1', 'linux/amd64, go1.20.7, ae2bbc2'];

/** A healthy kubeadm-like scenario; `faults` are added as given. */
export function healthyScenario(faults: ApiFault[] = [], latencyMs = 0): Scenario {
  return {
    name: 'gather-healthy',
    description: 'healthy kubeadm-like cluster for the gatherer tests',
    style: 'kubeadm',
    cluster: { name: 'kubeadm-lab', version: 'v1.30.4' },
    now: NOW,
    target: { namespace: 'shop', pod: 'web-0' },
    expect: { verdict: 'dns.healthy', findings: [], absent: [] },
    objects: objects(),
    logs: {
      'kube-system/coredns-5d78c9869d-abcde/coredns': stamped('2024-08-20T09:00:00.000000001Z', BANNER),
      'kube-system/coredns-5d78c9869d-fghij/coredns': stamped('2024-08-20T09:30:00Z', BANNER),
      'kube-system/coredns-5d78c9869d-fghij/coredns@previous': stamped('2024-08-20T09:29:57Z', [
        ...BANNER,
        '[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."',
      ]),
    },
    metrics: {
      pods: {
        'kube-system/coredns-5d78c9869d-abcde': { coredns: { cpu: '4m', memory: '20Mi' } },
        'kube-system/coredns-5d78c9869d-fghij': { coredns: { cpu: '3050000n', memory: '19Mi' } },
      },
      nodes: { 'node-a': { cpu: '250m', memory: '2Gi' } },
    },
    nodeFacts: {
      'node-a': { conntrackEntries: 1200, conntrackMax: 131072, cpuBusy: 0.2, tcpRetransPerSec: 0.5 },
    },
    exec: {},
    dns: {},
    faults: { latencyMs, rules: faults },
    kubelet: { nodes: {} },
    probePods: {},
    network: { refused: [] },
  };
}
