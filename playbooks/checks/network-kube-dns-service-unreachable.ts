/**
 * network.kube-dns-service-unreachable: from the client's node, queries to the DNS Service IP get
 * no answer while every CoreDNS pod IP answers. CoreDNS is fine; the Service translation on the node
 * (kube-proxy rules stale or missing, or its replacement) is not. Guide: the connectivity table
 * ("Cannot connect to the kube-dns Service") and Other modules: kube-proxy.
 */
import type { Check } from '../model/check.js';
import type { Evidence } from '../model/evidence.js';
import type { Excerpt, Finding } from '../model/finding.js';
import { seenValue } from '../model/gathered.js';
import { hostOf } from './support/ip.js';
import { dnsNamespace, dnsServiceName, probeNodeName, probeOrigin } from './support/names.js';
import { clientResults, isDead } from './support/probes.js';
import { finding, isPodReady } from './support.js';
import { kubeProxyCommands, probeExcerpt } from './support-network.js';

function run(e: Evidence): Finding[] {
  const results = clientResults(e);
  const service = results.filter((r) => r.hop === 'dns-service');
  const pods = results.filter((r) => r.hop === 'coredns-pod');
  if (service.length === 0 || !service.every(isDead) || pods.length === 0) return [];
  const podServers = [...new Set(pods.map((p) => p.server))];
  const eachPodAnswers = podServers.every((s) => pods.some((p) => p.server === s && p.answered > 0));
  if (!eachPodAnswers) return [];
  // NodeLocal answering the Service IP itself (iptables mode) and down: nodelocal.not-running says why.
  const nodeLocal = seenValue(e.nodeLocal);
  const local = nodeLocal?.podOnNode;
  if (nodeLocal?.deployed && nodeLocal.bindsClusterIp && (!local || !isPodReady(local))) return [];

  const dns = seenValue(e.clusterDns);
  const ip = dns?.ip ?? hostOf(service[0]?.server ?? '');
  const ns = dnsNamespace(e);
  const svcName = dnsServiceName(e);
  const svc = dns ? `${ns}/${svcName}` : 'the cluster DNS Service';
  const node = probeNodeName(e);
  const from = probeOrigin(e);
  const kp = seenValue(e.kubeProxy);
  const evidence: Excerpt[] = [...service.map(probeExcerpt), ...pods.slice(0, 4).map(probeExcerpt)];
  if (kp) {
    const pod = kp.podOnNode;
    const state = !kp.runsKubeProxy
      ? `no kube-proxy (${kp.replacedBy ?? 'replaced'})`
      : pod
        ? `pod ${pod.metadata.name} ${isPodReady(pod) ? 'Ready' : 'not Ready'}, mode ${kp.mode ?? 'unknown'}`
        : 'no kube-proxy pod on the node';
    evidence.push({ source: `kube-proxy on ${from}`, text: state });
  }
  return [
    finding('network.kube-dns-service-unreachable', {
      severity: 'critical',
      weight: 0.8,
      title: `DNS Service ${svc} (${ip}) unreachable from ${from}; CoreDNS pod IPs answer`,
      detail:
        `Every query to the DNS Service IP ${ip} from ${from} went unanswered, while each of the ` +
        `${podServers.length} CoreDNS pod IPs answered directly. CoreDNS is healthy; the Service translation ` +
        'on the node (kube-proxy rules stale or missing, or the eBPF replacement) is what drops the queries.',
      evidence,
      remedies: [
        {
          summary: `Check that kube-proxy runs on ${from} and has rules for ${ip}; restart it to resync them.`,
          commands: [
            `kubectl -n ${ns} get endpointslices -l kubernetes.io/service-name=${svcName} -o wide`,
            ...kubeProxyCommands(e, node, ip),
          ],
        },
      ],
    }),
  ];
}

export const check: Check = { id: 'network.kube-dns-service-unreachable', needs: ['clientProbes'], run };
