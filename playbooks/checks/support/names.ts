/**
 * Names read from evidence for titles and commands: where CoreDNS lives (namespace, Service,
 * Deployment, ConfigMap, container, pod labels), which nodes matter, the workload that owns a pod.
 * Everything meant for a command is a valid Kubernetes name or a conventional default.
 */
import type { Evidence } from '../../model/evidence.js';
import { seenValue } from '../../model/gathered.js';
import type { Container, Node, Pod } from '../../model/k8s.js';
import { isK8sName, safeLabels, safeName, selectorText } from './shell.js';

/** `api.example.net` from ` API.example.net.`: how DNS names are compared. */
export function normName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Namespace CoreDNS lives in, from the objects we saw (`kube-system` only when nothing says). */
export function dnsNamespace(e: Evidence): string {
  return safeName(
    seenValue(e.clusterDns)?.service.metadata.namespace ??
      seenValue(e.corednsDeployment)?.metadata.namespace ??
      seenValue(e.corednsPods)?.[0]?.metadata.namespace ??
      seenValue(e.corefile)?.source.split('/')[0],
    'kube-system',
  );
}

/** The cluster DNS Service's name (`kube-dns` on most clusters). */
export function dnsServiceName(e: Evidence): string {
  return safeName(seenValue(e.clusterDns)?.service.metadata.name, 'kube-dns');
}

/** The CoreDNS Deployment's name, from the object or the pods' owner. */
export function corednsDeploymentName(e: Evidence): string {
  const pod = seenValue(e.corednsPods)?.[0];
  const owner = pod?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
  return safeName(seenValue(e.corednsDeployment)?.metadata.name ?? owner?.name, 'coredns');
}

/** The ConfigMap that holds the Corefile, from `CorefileEvidence.source` (`kube-system/coredns`). */
export function corefileConfigMap(e: Evidence): { namespace: string; name: string } {
  const [namespace, name] = seenValue(e.corefile)?.source.split('/') ?? [];
  return { namespace: safeName(namespace, dnsNamespace(e)), name: safeName(name, 'coredns') };
}

/** The ConfigMap's name alone (CoreDNS checks pair it with `dnsNamespace`). */
export function configMapName(e: Evidence): string {
  return corefileConfigMap(e).name;
}

/** The DNS Service's selector, keeping only command-safe labels; `k8s-app: kube-dns` when unknown. */
export function dnsPodLabels(e: Evidence): Record<string, string> {
  const labels = safeLabels(seenValue(e.clusterDns)?.service.spec.selector);
  return Object.keys(labels).length > 0 ? labels : { 'k8s-app': 'kube-dns' };
}

/** `k8s-app=kube-dns`: the DNS pods' selector for `-l`. */
export function dnsPodSelector(e: Evidence): string {
  return selectorText(dnsPodLabels(e));
}

/** The CoreDNS container of the first CoreDNS pod (by name or image, else the first container). */
export function corednsContainer(e: Evidence): Container | undefined {
  const containers = seenValue(e.corednsPods)?.[0]?.spec.containers ?? [];
  return containers.find((c) => c.name === 'coredns' || c.image?.includes('coredns')) ?? containers[0];
}

export function corednsContainerName(e: Evidence): string {
  return safeName(corednsContainer(e)?.name, 'coredns');
}

/** The client pod's namespace (else the target's), for commands. */
export function clientNamespace(e: Evidence): string {
  return safeName(seenValue(e.clientPod)?.metadata.namespace ?? e.target.namespace, 'default');
}

/** The client pod's node (its spec, else the Node object, `--node`, where the probes ran), when a valid name. */
export function clientNodeName(e: Evidence): string | undefined {
  const name =
    seenValue(e.clientPod)?.spec.nodeName ??
    seenValue(e.clientNode)?.metadata.name ??
    e.target.node ??
    seenValue(e.clientProbes)?.node;
  return isK8sName(name) ? name : undefined;
}

/** Where the client-side probes ran (else the client's node), when a valid name: what probe loss speaks for. */
export function probeNodeName(e: Evidence): string | undefined {
  const probes = seenValue(e.clientProbes);
  // Probes from the worker itself say nothing about any node's path: never word them as if they did.
  if (probes?.where === 'worker-local') return undefined;
  const name = probes?.node ?? seenValue(e.clientPod)?.spec.nodeName ?? e.target.node;
  return isK8sName(name) ? name : undefined;
}

/** Where the client-side probes ran, in words: `node X`, the client's node, or dnsmedic's worker. */
export function probeOrigin(e: Evidence): string {
  if (seenValue(e.clientProbes)?.where === 'worker-local') return "dnsmedic's worker (not the client's node)";
  const node = probeNodeName(e);
  return node ? `node ${node}` : "the client's node";
}

/**
 * A node that runs CoreDNS: that of pod `podName` when given and known, else where the CoreDNS-side
 * probes ran, else any CoreDNS pod's node. Undefined when none is known (or the name is not valid).
 */
export function corednsNode(e: Evidence, podName?: string): string | undefined {
  const pods = seenValue(e.corednsPods) ?? [];
  const name =
    (podName ? pods.find((p) => p.metadata.name === podName)?.spec.nodeName : undefined) ??
    seenValue(e.corednsSideProbes)?.node ??
    pods.find((p) => p.spec.nodeName)?.spec.nodeName ??
    seenValue(e.corednsNodes)?.[0]?.metadata.name;
  return isK8sName(name) ? name : undefined;
}

/** `i-0bbb2222` from `aws:///eu-west-1a/i-0bbb2222` or `cn-hangzhou.i-bp1x`; undefined without a providerID. */
export function instanceId(node: Node | undefined): string | undefined {
  const last = node?.spec?.providerID?.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  return /(?:^|\.)(i-[A-Za-z0-9]+)$/.exec(last)?.[1] ?? last;
}

/** The EC2 instance id of an AWS node, fit for an `aws ec2` command; undefined elsewhere. */
export function awsInstanceId(node: Node | undefined): string | undefined {
  if (!node?.spec?.providerID?.startsWith('aws://')) return undefined;
  const id = instanceId(node);
  return id && /^i-[0-9a-f]+$/.test(id) ? id : undefined;
}

/** Instance ids of the nodes that run CoreDNS (node names when the provider gives none), for a ticket. */
export function corednsInstanceIds(e: Evidence): string[] {
  const nodes = seenValue(e.corednsNodes) ?? [];
  if (nodes.length > 0) return nodes.map((n) => instanceId(n) ?? n.metadata.name);
  const pods = seenValue(e.corednsPods) ?? [];
  return [...new Set(pods.flatMap((p) => (p.spec.nodeName ? [p.spec.nodeName] : [])))];
}

const WORKLOAD_KINDS = ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Deployment'];

/**
 * The workload to patch for a pod: its controller, a Deployment found through the ReplicaSet's
 * `pod-template-hash`. Undefined for bare pods and for owners whose pod template cannot be patched (Jobs).
 */
export function workloadOf(pod: Pod): { kind: string; name: string } | undefined {
  const refs = pod.metadata.ownerReferences ?? [];
  const owner = refs.find((o) => o.controller) ?? refs[0];
  if (!owner) return undefined;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'deployment', name: owner.name.slice(0, -hash.length - 1) };
  }
  return WORKLOAD_KINDS.includes(owner.kind)
    ? { kind: owner.kind.toLowerCase(), name: owner.name }
    : undefined;
}
