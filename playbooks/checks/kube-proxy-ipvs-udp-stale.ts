/**
 * kube-proxy.ipvs-udp-stale: kube-proxy in IPVS mode on a kernel older than 4.19.91-25.1.al7 keeps
 * UDP entries to CoreDNS pods that are gone (scale-in, node churn) for up to 5 minutes; queries from a
 * reused source port go to the dead backend and time out, so DNS fails intermittently.
 * Guide: What to do if DNS fails due to IPVS errors. Never in iptables mode.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { probeNodeName, probeOrigin } from './support/names.js';
import { nodeLocalInstall } from './support/nodelocal.js';
import { clientResults, unanswered } from './support/probes.js';
import { onNode } from './support/shell.js';
import { clip } from './support/text.js';
import { compareVersions, finding, versionFrom } from './support.js';
import { churnSince, kubeProxyCommands, kubeProxyDaemonSet, probeExcerpt } from './support-network.js';

/** First Alibaba Cloud Linux 2 kernel with the IPVS source-port fix (the guide's boundary). */
export const FIXED_KERNEL = '4.19.91-25.1.al7';

function run(e: Evidence): Finding[] {
  const kp = seenValue(e.kubeProxy);
  if (kp?.mode !== 'ipvs') return [];
  const node = probeNodeName(e);
  const facts = seenValue(e.nodeFacts);
  const factsKernel = !node || facts?.node === node ? facts?.kernelVersion : undefined;
  const kernel = seenValue(e.clientNode)?.status?.nodeInfo?.kernelVersion ?? factsKernel;
  if (!kernel || !versionFrom(kernel) || compareVersions(kernel, FIXED_KERNEL) >= 0) return [];
  // Stale entries send some queries to a dead backend while others succeed: partial loss.
  const flaky = clientResults(e).filter(
    (r) => r.hop === 'dns-service' && unanswered(r) > 0 && r.answered > 0,
  );
  const churn = churnSince(e);
  if (flaky.length === 0 || churn.length === 0) return [];

  const on = probeOrigin(e);
  const dns = seenValue(e.clusterDns);
  const ds = kubeProxyDaemonSet(e);
  const evidence: Excerpt[] = [
    { source: `kube-proxy on ${on}`, text: 'mode ipvs' },
    { source: `kernel of ${on}`, text: clip(`${kernel} (older than ${FIXED_KERNEL})`) },
    ...flaky.map(probeExcerpt),
    ...churn.slice(0, 4),
  ];
  const timeout = [
    `kubectl -n ${ds.namespace} edit configmap ${ds.name}`,
    `kubectl -n ${ds.namespace} rollout restart daemonset ${ds.name}`,
  ];
  if (node) timeout.unshift(onNode(node, 'ipvsadm --set 0 0 10'));
  return [
    finding('kube-proxy.ipvs-udp-stale', {
      severity: 'critical',
      weight: 0.7,
      title: `Stale IPVS UDP entries on ${on} (kernel ${clip(kernel, 60)}) after CoreDNS backends changed`,
      detail:
        `kube-proxy runs in IPVS mode and ${on} has kernel ${clip(kernel, 60)}, older than ${FIXED_KERNEL}: ` +
        'after a CoreDNS pod goes away, IPVS keeps its UDP entries (300 s by default) and queries from a reused ' +
        'source port are sent to the dead backend. The probes through the DNS Service fail only in part, right after the backends changed.',
      evidence,
      remedies: [
        {
          summary: `Shorten the IPVS UDP timeout to 10s (ipvs.udpTimeout in the kube-proxy configuration), now on ${on} and for good.`,
          commands: timeout,
        },
        {
          summary:
            'Enable NodeLocal DNSCache so that pod DNS traffic bypasses IPVS (guide: Configure NodeLocal DNSCache).',
          commands: dns ? nodeLocalInstall(dns, true) : [],
        },
        {
          summary: 'Inspect the IPVS backends of the DNS Service on the node.',
          commands: kubeProxyCommands(e, node, dns?.ip),
        },
      ],
    }),
  ];
}

export const check: Check = { id: 'kube-proxy.ipvs-udp-stale', needs: ['kubeProxy', 'clientProbes'], run };
