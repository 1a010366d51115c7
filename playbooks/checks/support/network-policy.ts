/**
 * NetworkPolicy egress evaluation for network.policy-blocks-dns: the client's paths to DNS, and
 * whether the egress rules of the policies selecting it let port 53 through to them.
 */
import type { Evidence } from '../../model/evidence.js';
import { seenValue } from '../../model/gathered.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../model/k8s.js';
import { matchesSelector } from '../support.js';
import { cidrContains } from './ip.js';
import { clip } from './text.js';

/** One way the client reaches DNS: a nameserver and what answers behind it. */
export interface DnsPath {
  /** `10.96.0.10 (Service kube-system/kube-dns)`. */
  label: string;
  /** Addresses an ipBlock may cover: the nameserver, and the pod IPs a Service IP is translated to. */
  ips: string[];
  /** Pods answering behind it; undefined when unknown (selector peers then count as allowing). */
  pods?: { namespace: string; labels: Record<string, string> }[];
}

export type L4 = 'UDP' | 'TCP';

/** The client's paths to DNS, from the nameservers the kubelet really wrote (else the cluster DNS IP). */
export function dnsPaths(e: Evidence): DnsPath[] {
  const dns = seenValue(e.clusterDns);
  const nodeLocal = seenValue(e.nodeLocal);
  const coredns = seenValue(e.corednsPods);
  const corednsIps = (coredns ?? []).flatMap((p) => (p.status?.podIP ? [p.status.podIP] : []));
  const corednsTargets = coredns
    ? coredns.map((p) => ({
        namespace: p.metadata.namespace ?? 'kube-system',
        labels: p.metadata.labels ?? {},
      }))
    : dns?.service.spec.selector
      ? [{ namespace: dns.service.metadata.namespace ?? 'kube-system', labels: dns.service.spec.selector }]
      : undefined;
  const localIp = nodeLocal?.deployed ? nodeLocal.localIp : undefined;
  const nameservers = seenValue(e.podResolvConf)?.parsed.nameservers ?? (dns ? [dns.ip] : []);
  if (nameservers.length === 0) return [{ label: 'CoreDNS pods', ips: corednsIps, pods: corednsTargets }];
  return nameservers.map((ns) => {
    if (ns === localIp) return { label: `${ns} (NodeLocal DNSCache)`, ips: [ns], pods: [] };
    // Without the cluster DNS object, any other nameserver may be it: count the CoreDNS pods as behind it.
    if (!dns || ns === dns.ip) {
      const svc = dns
        ? `Service ${dns.service.metadata.namespace ?? 'kube-system'}/${dns.service.metadata.name}`
        : 'presumed cluster DNS';
      // In iptables mode node-cache answers the Service IP itself, on the local link address too.
      const viaCache = localIp && nodeLocal?.bindsClusterIp ? [localIp] : [];
      return { label: `${ns} (${svc})`, ips: [ns, ...corednsIps, ...viaCache], pods: corednsTargets };
    }
    return { label: ns, ips: [ns], pods: [] };
  });
}

/** Port names that mean DNS: the DNS Service's port 53 names and targetPorts, and CoreDNS's defaults. */
export function dnsPortNames(e: Evidence): Map<string, L4> {
  const names = new Map<string, L4>([
    ['dns', 'UDP'],
    ['dns-tcp', 'TCP'],
  ]);
  for (const p of seenValue(e.clusterDns)?.service.spec.ports ?? []) {
    if (p.port !== 53 && p.targetPort !== 53) continue;
    const proto: L4 = (p.protocol ?? 'TCP').toUpperCase() === 'UDP' ? 'UDP' : 'TCP';
    if (p.name) names.set(p.name, proto);
    if (typeof p.targetPort === 'string') names.set(p.targetPort, proto);
  }
  return names;
}

function portAllows(port: NetworkPolicyPort, proto: L4, names: Map<string, L4>): boolean {
  if ((port.protocol ?? 'TCP').toUpperCase() !== proto) return false;
  if (port.port === undefined) return true;
  const n =
    typeof port.port === 'number' ? port.port : /^\d+$/.test(port.port) ? Number(port.port) : undefined;
  if (n === undefined) return names.get(String(port.port)) === proto;
  return n === 53 || (port.endPort !== undefined && n <= 53 && 53 <= port.endPort);
}

function peerAllows(peer: NetworkPolicyPeer, policyNs: string, path: DnsPath): boolean {
  if (peer.ipBlock) {
    const { cidr, except = [] } = peer.ipBlock;
    return path.ips.some((ip) => cidrContains(cidr, ip) && !except.some((x) => cidrContains(x, ip)));
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (!path.pods) return true;
  return path.pods.some((pod) => {
    const nsOk = peer.namespaceSelector
      ? matchesSelector({ 'kubernetes.io/metadata.name': pod.namespace }, peer.namespaceSelector)
      : pod.namespace === policyNs;
    return nsOk && (!peer.podSelector || matchesSelector(pod.labels, peer.podSelector));
  });
}

/** Whether any egress rule of `policies` lets `proto` port 53 through to `path` (policies add up). */
export function egressAllows(
  policies: NetworkPolicy[],
  path: DnsPath,
  proto: L4,
  names: Map<string, L4>,
  clientNs: string,
): boolean {
  return policies.some((pol) =>
    (pol.spec?.egress ?? []).some((rule) => {
      const portOk = !rule.ports?.length || rule.ports.some((p) => portAllows(p, proto, names));
      const ns = pol.metadata.namespace ?? clientNs;
      return portOk && (!rule.to?.length || rule.to.some((peer) => peerAllows(peer, ns, path)));
    }),
  );
}

/** Whether `policy` restricts egress (policyTypes, or egress rules with policyTypes left out). */
export function restrictsEgress(policy: NetworkPolicy): boolean {
  const types = policy.spec?.policyTypes;
  return types ? types.includes('Egress') : policy.spec?.egress !== undefined;
}

/** `egress[0]: to ipBlock 10.0.0.0/8; ports TCP/443`: a policy's egress, short enough to quote. */
export function describeEgress(policy: NetworkPolicy): string {
  const rules = policy.spec.egress ?? [];
  if (rules.length === 0) return 'policyTypes Egress with no egress rule: all egress denied';
  const peer = (p: NetworkPolicyPeer) =>
    p.ipBlock
      ? `ipBlock ${p.ipBlock.cidr}`
      : [
          p.namespaceSelector ? `namespaces ${JSON.stringify(p.namespaceSelector)}` : '',
          p.podSelector ? `pods ${JSON.stringify(p.podSelector)}` : '',
        ]
          .filter(Boolean)
          .join(' ');
  const text = rules
    .map((r, i) => {
      const to = r.to?.length ? r.to.map(peer).join(', ') : 'anywhere';
      const ports = r.ports?.length
        ? r.ports
            .map((p) => `${p.protocol ?? 'TCP'}/${p.port ?? 'any'}${p.endPort ? `-${p.endPort}` : ''}`)
            .join(', ')
        : 'all ports';
      return `egress[${i}]: to ${to}; ports ${ports}`;
    })
    .join(' | ');
  return clip(text);
}
