/**
 * pod.dns-policy-hostnetwork: a hostNetwork pod with dnsPolicy ClusterFirst (or unset) asks for
 * a cluster name. On the host network the kubelet silently treats ClusterFirst as Default, so the
 * pod gets the node's resolvers and every cluster name fails. Pods that only resolve external
 * names are fine. Guide: "DNS policy reference".
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { quote } from './support/text.js';
import { finding, podRef } from './support.js';
import { askedName, patchPodSpec, resolvesClusterName, resolvLines, resolvSource } from './support-pod.js';

function run(e: Evidence): Finding[] {
  const pod = seenValue(e.clientPod);
  if (!pod?.spec.hostNetwork) return [];
  const policy = pod.spec.dnsPolicy;
  if (policy !== undefined && policy !== 'ClusterFirst') return [];
  const asked = askedName(e);
  if (asked?.kind !== 'cluster') return []; // only external names: the node's resolvers serve them
  const observed = seenValue(e.podResolvConf);
  // A node whose own resolv.conf points at cluster DNS (and qualifies the name) still works.
  if (observed && resolvesClusterName(observed.parsed, asked.name, e)) return [];

  const ref = podRef(pod);
  const evidence = [
    quote(`pod ${ref} spec`, `hostNetwork: true, dnsPolicy: ${policy ?? 'ClusterFirst (default, unset)'}`),
    quote('asked name', asked.name),
  ];
  if (observed) evidence.push(quote(resolvSource(observed, ref), resolvLines(observed, 'nameserver')));
  return [
    finding('pod.dns-policy-hostnetwork', {
      severity: 'critical',
      title: `hostNetwork pod ${ref} uses the node's resolvers and cannot resolve ${asked.name}`,
      detail:
        `Pod ${ref} runs on the host network with dnsPolicy ClusterFirst, which the kubelet treats as Default: ` +
        `its resolv.conf is the node's, without the cluster DNS Service or the cluster search domains. ` +
        `Cluster names such as ${asked.name} therefore fail; dnsPolicy ClusterFirstWithHostNet gives it cluster DNS.`,
      evidence,
      remedies: [
        {
          summary: 'Set dnsPolicy: ClusterFirstWithHostNet so the host-network pod uses cluster DNS.',
          commands: [patchPodSpec(pod, { dnsPolicy: 'ClusterFirstWithHostNet' })],
        },
      ],
      // Observed resolv.conf confirms it; the spec alone is still deterministic.
      weight: observed && observed.source !== 'computed' ? 0.9 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'pod.dns-policy-hostnetwork', needs: ['clientPod'], run };
