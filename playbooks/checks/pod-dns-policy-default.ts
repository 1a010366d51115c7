/**
 * pod.dns-policy-default: a pod with dnsPolicy Default asks for a cluster name. Default gives the
 * pod the node's resolv.conf, which knows nothing of Services, so cluster names fail (NXDOMAIN or
 * the node resolver's answer). Fine for pods that only resolve external names.
 * Guide: "DNS policy reference".
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
  if (pod?.spec.dnsPolicy !== 'Default') return [];
  const asked = askedName(e);
  if (asked?.kind !== 'cluster') return []; // external names are what Default is for
  const observed = seenValue(e.podResolvConf);
  // dnsConfig may add the cluster DNS to a Default pod: then the name does resolve.
  if (observed && resolvesClusterName(observed.parsed, asked.name, e)) return [];

  const ref = podRef(pod);
  const wanted = pod.spec.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst';
  const evidence = [
    quote(`pod ${ref} spec`, `dnsPolicy: Default${pod.spec.hostNetwork ? ', hostNetwork: true' : ''}`),
    quote('asked name', asked.name),
  ];
  if (observed) evidence.push(quote(resolvSource(observed, ref), resolvLines(observed, 'nameserver')));
  return [
    finding('pod.dns-policy-default', {
      severity: 'critical',
      title: `Pod ${ref} has dnsPolicy Default and cannot resolve cluster name ${asked.name}`,
      detail:
        `dnsPolicy Default gives pod ${ref} the node's resolv.conf, with neither the cluster DNS Service ` +
        `nor the cluster search domains, so cluster names such as ${asked.name} fail. ` +
        `Default suits only pods that need no cluster service discovery; use ${wanted}.`,
      evidence,
      remedies: [
        {
          summary: `Set dnsPolicy: ${wanted} so the pod uses cluster DNS.`,
          commands: [patchPodSpec(pod, { dnsPolicy: wanted })],
        },
      ],
      weight: observed && observed.source !== 'computed' ? 0.9 : 0.7,
    }),
  ];
}

export const check: Check = { id: 'pod.dns-policy-default', needs: ['clientPod'], run };
