/**
 * The failure catalog (docs/failure-catalog.md) as data. Ids are a public contract: they appear
 * in JSON reports, tickets, scenarios and runbooks, so they never change meaning.
 * A test keeps this list and the document in step.
 */
export type RowKind = 'cause' | 'advisory';

export const CATALOG = {
  'pod.dns-policy-hostnetwork': { kind: 'cause', title: 'hostNetwork pod uses the node resolvers' },
  'pod.dns-policy-default': { kind: 'cause', title: 'dnsPolicy Default cannot resolve cluster names' },
  'pod.nameserver-not-cluster-dns': { kind: 'cause', title: 'pod nameserver is not the cluster DNS' },
  'pod.resolv-conf-limits': { kind: 'cause', title: 'pod DNS config exceeds kubelet limits' },
  'pod.ndots-amplification': { kind: 'advisory', title: 'ndots:5 multiplies external lookups' },
  'client.musl-resolver': { kind: 'cause', title: 'musl (Alpine) resolver behaviour' },
  'client.glibc-aaaa-race': { kind: 'cause', title: 'A/AAAA from one socket lose a reply (conntrack race)' },
  'coredns.no-pods': { kind: 'cause', title: 'no CoreDNS pods' },
  'coredns.pods-not-ready': { kind: 'cause', title: 'CoreDNS pods not running or not ready' },
  'coredns.service-no-endpoints': { kind: 'cause', title: 'DNS Service has no ready endpoints' },
  'coredns.corefile-parse-error': { kind: 'cause', title: 'Corefile does not parse' },
  'coredns.reload-failed': { kind: 'cause', title: 'Corefile reload failed' },
  'coredns.loop-detected': { kind: 'cause', title: 'forwarding loop detected' },
  'coredns.apiserver-unreachable': { kind: 'cause', title: 'CoreDNS cannot reach the API server' },
  'coredns.rbac-endpointslices': { kind: 'cause', title: 'CoreDNS may not list EndpointSlices' },
  'coredns.overloaded': { kind: 'cause', title: 'CoreDNS overloaded' },
  'coredns.load-unbalanced': { kind: 'cause', title: 'DNS load unbalanced' },
  'coredns.max-concurrent-exceeded': { kind: 'cause', title: 'forward max_concurrent exceeded' },
  'coredns.autopath-enabled': { kind: 'cause', title: 'autopath plugin enabled' },
  'coredns.query-log-disabled': { kind: 'advisory', title: 'query log (log plugin) is off' },
  'upstream.error-rcode': { kind: 'cause', title: 'upstream DNS answers with an error', externalOnly: true },
  'upstream.unreachable': { kind: 'cause', title: 'upstream DNS unreachable', externalOnly: true },
  'nodelocal.privatezone-prefer-udp': {
    kind: 'cause',
    title: 'private-zone names need prefer_udp',
    externalOnly: true,
  },
  'service.not-found': { kind: 'cause', title: 'no Service or pod behind the name' },
  'service.headless-old-coredns': { kind: 'cause', title: 'headless Service on CoreDNS < 1.7.0' },
  'service.headless-truncated': { kind: 'cause', title: 'truncated answer the client cannot retry' },
  'service.tolerate-unready-annotation': { kind: 'cause', title: 'tolerate-unready annotation ignored' },
  'statefulset.service-name-mismatch': { kind: 'cause', title: 'StatefulSet serviceName mismatch' },
  'network.policy-blocks-dns': { kind: 'cause', title: 'NetworkPolicy blocks DNS egress' },
  'network.kube-dns-service-unreachable': { kind: 'cause', title: 'DNS Service IP unreachable' },
  'network.coredns-pod-unreachable': { kind: 'cause', title: 'CoreDNS pod unreachable' },
  'network.udp53-blocked': { kind: 'cause', title: 'UDP port 53 blocked' },
  'kube-proxy.not-running': { kind: 'cause', title: 'kube-proxy not running on the node' },
  'kube-proxy.ipvs-udp-stale': { kind: 'cause', title: 'stale IPVS UDP entries' },
  'dns.intermittent': { kind: 'cause', title: 'intermittent DNS failures' },
  'node.conntrack-full': { kind: 'cause', title: 'conntrack table full' },
  'node.client-overloaded': { kind: 'cause', title: "client's node overloaded" },
  'nodelocal.not-running': { kind: 'cause', title: 'NodeLocal DNSCache not running on the node' },
  'nodelocal.not-injected': { kind: 'cause', title: 'pods bypass NodeLocal DNSCache' },
  'nodelocal.alpine-parallel': { kind: 'cause', title: 'musl client bypasses NodeLocal DNSCache' },
  'dns.provider-kube-dns': { kind: 'advisory', title: 'cluster runs kube-dns, not CoreDNS' },
} as const satisfies Record<string, { kind: RowKind; title: string; externalOnly?: true }>;

export type CheckId = keyof typeof CATALOG;

/** Verdicts that are not faults. */
export const HEALTHY = 'dns.healthy';
export const INCONCLUSIVE = 'check.inconclusive';
export type VerdictId = CheckId | typeof HEALTHY | typeof INCONCLUSIVE;

export function isCause(id: CheckId): boolean {
  return CATALOG[id].kind === 'cause';
}

/**
 * Rows whose fault only touches names CoreDNS forwards (external names): they cannot explain a
 * failing cluster name, which CoreDNS answers from the cluster itself.
 */
export function onlyExternalNames(id: CheckId): boolean {
  return 'externalOnly' in CATALOG[id];
}

/** Whether a verdict names a fault (a cause row), as opposed to healthy or inconclusive. */
export function isFaultVerdict(id: string): boolean {
  return id in CATALOG && CATALOG[id as CheckId].kind === 'cause';
}
