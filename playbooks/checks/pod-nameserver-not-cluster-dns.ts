/**
 * pod.nameserver-not-cluster-dns: the resolv.conf the kubelet really wrote names neither the
 * cluster DNS Service IP nor NodeLocal DNSCache. For ClusterFirst pods that means the kubelet's
 * clusterDNS is wrong or stale, and cluster names cannot resolve. The guide's Step 1 sends this
 * case to its node branch (client overload, conntrack full). dnsPolicy None/Default chosen on
 * purpose for external names is not a fault; Default and hostNetwork pods have their own rows.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { dnsPolicyOf } from './support/kubelet-dns.js';
import { clientNodeName } from './support/names.js';
import { clusterResolverIps } from './support/nodelocal.js';
import { onNode, shq } from './support/shell.js';
import { quote } from './support/text.js';
import { finding } from './support.js';
import { askedName, clientRef, patchPodSpec, resolvLines, resolvSource } from './support-pod.js';

function run(e: Evidence): Finding[] {
  const observed = seenValue(e.podResolvConf);
  const dns = seenValue(e.clusterDns);
  if (!observed || !dns) return [];
  const known = clusterResolverIps(e);
  if (observed.parsed.nameservers.some((ip) => known.includes(ip))) return [];

  const pod = seenValue(e.clientPod);
  // The pod listed the cluster DNS itself and the kubelet's 3-nameserver limit cut it: pod.resolv-conf-limits.
  if ((pod?.spec.dnsConfig?.nameservers ?? []).some((ip) => known.includes(ip))) return [];
  const policy = pod ? dnsPolicyOf(pod) : undefined;
  // Default, and ClusterFirst on the host network, are explained by the dns-policy rows.
  if (policy === 'Default' || (policy === 'ClusterFirst' && pod?.spec.hostNetwork)) return [];
  const asked = askedName(e);
  const kubeletWrote = policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet';
  // With None (or an unknown policy) custom nameservers may be deliberate: fault only for a cluster name.
  if (!kubeletWrote && asked?.kind !== 'cluster') return [];

  const ref = clientRef(e);
  const node = clientNodeName(e);
  const nameservers = observed.parsed.nameservers.join(', ') || 'none';
  const evidence = [
    quote(resolvSource(observed, ref), resolvLines(observed, 'nameserver') || '(no nameserver line)'),
    quote(
      `Service ${dns.service.metadata.namespace ?? 'kube-system'}/${dns.service.metadata.name}`,
      `clusterIP ${dns.ip}`,
    ),
  ];
  if (policy) evidence.push(quote(`pod ${ref} spec`, `dnsPolicy: ${policy}`));
  const remedies = [];
  if (pod && !kubeletWrote) {
    remedies.push({
      summary: `Point the pod at the cluster DNS Service ${dns.ip}.`,
      commands: [patchPodSpec(pod, { dnsConfig: { nameservers: [dns.ip] } })],
    });
  }
  const svc = dns.service.metadata;
  remedies.push({
    summary: `Confirm the address of the DNS Service ${svc.namespace ?? 'kube-system'}/${svc.name}.`,
    commands: [`kubectl -n ${shq(svc.namespace ?? 'kube-system')} get service ${shq(svc.name)} -o wide`],
  });
  if (node) {
    const n = shq(node);
    remedies.push({
      summary: `Check the kubelet's clusterDNS on ${node}, then the guide's node branch: client overload and conntrack.`,
      commands: [
        `kubectl get --raw /api/v1/nodes/${n}/proxy/configz | grep -o '"clusterDNS":[^]]*]'`,
        `kubectl top node ${n}`,
        onNode(
          node,
          "sh -c 'cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max; dmesg | grep -i conntrack | tail -5'",
        ),
      ],
    });
  }
  return [
    finding('pod.nameserver-not-cluster-dns', {
      severity: asked?.kind === 'external' ? 'warning' : 'critical',
      title: `Pod ${ref} uses nameserver ${nameservers}, not the cluster DNS ${dns.ip}`,
      detail:
        `The resolv.conf of ${ref} names ${nameservers}, neither the cluster DNS Service ${dns.ip} nor NodeLocal DNSCache, ` +
        `so its queries never reach CoreDNS and cluster names cannot resolve. ` +
        (kubeletWrote
          ? `With dnsPolicy ${policy} the kubelet should have written ${dns.ip}: its clusterDNS setting is wrong, or the node is in trouble (the guide's overload and conntrack branch).`
          : 'The nameservers come from the pod dnsConfig.'),
      evidence,
      remedies,
      weight: observed.source === 'computed' ? 0.5 : 0.7,
    }),
  ];
}

export const check: Check = {
  id: 'pod.nameserver-not-cluster-dns',
  needs: ['podResolvConf', 'clusterDns'],
  run,
};
